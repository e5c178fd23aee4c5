import {
  type Condition,
  entityOfEventType,
  nodeTypeOfAction,
  type Problem,
  ruleCondition,
  validateRule,
} from '@switchyard/core';
import type { WorkflowRule } from '../db/entities/index.ts';
import type { ServerDeps } from '../deps.ts';
import type { CreateWorkflowInput } from './schema.ts';

/** Seed 000's flat fields. */
export const RULE_FIELDS = [
  'condition_entity',
  'condition_field',
  'condition_operator',
  'condition_value',
  'action_type',
  'action_config',
] as const;

type RuleFieldsInput = Pick<CreateWorkflowInput, (typeof RULE_FIELDS)[number]>;

/** Node ids of the template a rule becomes. */
export const RULE_START_ID = 'start';
export const RULE_ACTION_ID = 'action';

/** True when a body uses seed 000's rule form (any of its flat fields is present). */
export function isRuleBody(input: RuleFieldsInput): boolean {
  return RULE_FIELDS.some((f) => input[f] !== undefined);
}

/** What a rule becomes: its published trigger, conditions and Start → action template. */
export interface RuleWorkflow {
  rule: WorkflowRule;
  eventTrigger: string;
  triggerConditions: Condition;
  template: { nodes: Record<string, unknown>[]; edges: string[] };
}

/** The node type a rule's `action_type` runs as: a built-in action, or a registered provider's rule name. */
function actionNodeType(deps: ServerDeps, actionType: string): string | undefined {
  return nodeTypeOfAction(actionType) ?? deps.actions.forRuleActionType(actionType)?.type;
}

// A field update that writes the very field the rule watches for changes would trigger the rule again, forever.
function selfTriggering(rule: WorkflowRule): boolean {
  if (rule.action_type !== 'update_field') return false;
  if (!['changed', 'changed_to', 'changed_from'].includes(rule.condition_operator)) return false;
  const cfg = rule.action_config;
  const entity = typeof cfg.entity === 'string' ? cfg.entity : rule.condition_entity;
  return entity === rule.condition_entity && cfg.field === rule.condition_field;
}

/**
 * Turns seed 000's flat rule into a workflow: the rule listens on `<entity>.*`, its condition becomes the trigger
 * conditions, and its action the one node after Start. Returns the problems instead when the rule is incomplete or
 * impossible (unknown entity, operator, action, or an operator/action combination that cannot work), each on the
 * seed's own field name. `knownTypes` are the account's event types (an entity must have one).
 */
export function ruleWorkflow(
  deps: ServerDeps,
  input: RuleFieldsInput,
  knownTypes: Iterable<string>,
): { ok: true; value: RuleWorkflow } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  for (const f of RULE_FIELDS) {
    // The seed requires condition_value even for `changed` (as an empty string): present, but may be "".
    if (input[f] === undefined) problems.push({ path: f, message: `${f} is required in the rule form` });
  }
  if (problems.length > 0) return { ok: false, problems };
  const rule: WorkflowRule = {
    condition_entity: input.condition_entity as string,
    condition_field: input.condition_field as string,
    condition_operator: input.condition_operator as string,
    condition_value: input.condition_value,
    action_type: input.action_type as string,
    action_config: input.action_config as Record<string, unknown>,
  };
  const ruleInput = {
    entity: rule.condition_entity,
    field: rule.condition_field,
    operator: rule.condition_operator,
    value: rule.condition_value,
  };
  problems.push(...validateRule(ruleInput));
  const entities = new Set([...knownTypes].map(entityOfEventType));
  if (!problems.some((p) => p.path === 'condition_entity') && !entities.has(rule.condition_entity)) {
    problems.push({
      path: 'condition_entity',
      message: `no event type belongs to "${rule.condition_entity}"; use one of ${[...entities].sort().join(', ')}`,
    });
  }
  const nodeType = actionNodeType(deps, rule.action_type);
  if (!nodeType) {
    problems.push({
      path: 'action_type',
      message: `unsupported action_type "${rule.action_type}"; use send_email, create_task, send_channel_message, webhook or update_field`,
    });
  }
  if (nodeType && selfTriggering(rule)) {
    problems.push({
      path: 'action_type',
      message: `update_field on ${rule.condition_entity}.${rule.condition_field} would change the field this rule watches and trigger it again`,
    });
  }
  if (problems.length > 0 || !nodeType) return { ok: false, problems };
  const name = typeof rule.action_config.name === 'string' ? rule.action_config.name : rule.action_type;
  return {
    ok: true,
    value: {
      rule,
      eventTrigger: `${rule.condition_entity}.*`,
      triggerConditions: ruleCondition(ruleInput),
      template: {
        nodes: [
          { id: RULE_START_ID, name: 'Start', type: 'Start' },
          { ...rule.action_config, id: RULE_ACTION_ID, name, type: nodeType },
        ],
        edges: [`${RULE_START_ID}-${RULE_ACTION_ID}`],
      },
    },
  };
}

/** A template problem of a rule's action node on the seed's field (`template.nodes.action.url` → `action_config.url`). */
export function ruleProblem<P extends Problem>(p: P): P {
  const prefix = `template.nodes.${RULE_ACTION_ID}`;
  if (p.path === prefix) return { ...p, path: 'action_config' };
  if (p.path.startsWith(`${prefix}.`))
    return { ...p, path: `action_config.${p.path.slice(prefix.length + 1)}` };
  return p;
}
