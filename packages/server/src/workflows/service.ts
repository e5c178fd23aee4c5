import { randomInt } from 'node:crypto';
import { canonicalJson, countActions } from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { accountStopEvents } from '../accounts/settings.ts';
import { Account, Workflow } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { run } from '../db/statement.ts';
import type { ServerDeps } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { knownEventTypeNames } from '../eventTypes/service.ts';
import { stopExecutions } from '../executions/stop.ts';
import { given, paginate } from '../pagination.ts';
import { duplicateName, freeKey, nameTaken, slug } from './names.ts';
import { isRuleBody, ruleProblem, ruleWorkflow } from './rule.ts';
import type {
  CloneWorkflowInput,
  CreateWorkflowInput,
  ListWorkflowsInput,
  UpdateWorkflowInput,
  WorkflowRefInput,
} from './schema.ts';
import { LIVE_EXECUTIONS_OF } from './sql.ts';
import { triggerKeysOf } from './triggers.ts';
import { draftProblems, failWith, type WorkflowProblem } from './validation.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMPTY_TEMPLATE = { nodes: [], edges: [] };

/** A workflow of the account by id, or by key within a user (`id_type=key`, user `main` by default); else 404. */
export async function getWorkflow(
  em: EntityManager,
  accountId: string,
  ref: WorkflowRefInput,
): Promise<Workflow> {
  let found: Workflow | null = null;
  if (ref.id_type === 'key') {
    found = await em.findOne(Workflow, {
      accountId,
      userKey: ref.user_key ?? 'main',
      key: ref.id,
      deletedAt: null,
    });
  } else if (UUID.test(ref.id)) {
    found = await em.findOne(Workflow, {
      id: ref.id,
      accountId,
      deletedAt: null,
      ...(ref.user_key ? { userKey: ref.user_key } : {}),
    });
  }
  if (!found) throw notFound(`Workflow ${ref.id}`);
  return found;
}

/** A page of the account's workflows, newest first (one user's, when `user_key` is given). */
export async function listWorkflows(em: EntityManager, accountId: string, input: ListWorkflowsInput) {
  const where = given({
    accountId,
    deletedAt: null,
    userKey: input.user_key,
    templateStatus: input.template_status,
  });
  return paginate(em, Workflow, where, input);
}

/** Flushes, turning the unique indexes' refusals into 409s (a concurrent request may have taken the name or key). */
async function flushUnique(em: EntityManager, w: Workflow): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    if ((err as { name?: string }).name !== 'UniqueConstraintViolationException') throw err;
    if (String((err as Error).message).includes('workflows_account_user_name_unique'))
      throw duplicateName(w.name);
    throw new AppError('duplicate_key', `A workflow with key "${w.key}" already exists`, [
      { path: 'key', message: 'a workflow with this key already exists' },
    ]);
  }
}

/** Saves a change of a stored workflow: its drafts checked (and published with `publish`), `updatedAt` stamped. */
async function saveChange(
  em: EntityManager,
  deps: ServerDeps,
  w: Workflow,
  publish: boolean,
): Promise<Workflow> {
  await checkAndMaybePublish(em, deps, w, publish, { rule: Boolean(w.rule) });
  w.updatedAt = new Date();
  await flushUnique(em, w);
  return w;
}

function conditionsOrNull(c: unknown): unknown {
  return c === undefined ? null : c;
}

// Key order is not meaning: jsonb stores objects in its own key order, a request in the client's.
function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/** Whether the drafts equal the published copies (nothing left to publish). */
function draftsPublished(w: Workflow): boolean {
  return (
    w.template !== null &&
    w.template !== undefined &&
    sameJson(w.template, w.templateDraft) &&
    (w.eventTrigger ?? null) === (w.eventTriggerDraft ?? null) &&
    (w.stopEvent ?? null) === (w.stopEventDraft ?? null) &&
    sameJson(w.triggerConditions, w.triggerConditionsDraft)
  );
}

/** Checks the drafts; with `publish`, also the graph, then copies them to the published side and indexes the trigger. */
async function checkAndMaybePublish(
  em: EntityManager,
  deps: ServerDeps,
  w: Workflow,
  publish: boolean,
  opts: { rule?: boolean } = {},
): Promise<void> {
  let problems: WorkflowProblem[] = await draftProblems(
    em,
    deps,
    w.accountId,
    {
      template: w.templateDraft,
      eventTrigger: w.eventTriggerDraft ?? null,
      stopEvent: w.stopEventDraft ?? null,
      triggerConditions: w.triggerConditionsDraft,
    },
    { publish },
  );
  if (opts.rule) problems = problems.map(ruleProblem);
  if (problems.length > 0)
    failWith(problems, publish ? 'The workflow cannot be published' : 'Invalid workflow');
  if (publish) {
    w.template = w.templateDraft;
    w.eventTrigger = w.eventTriggerDraft ?? null;
    w.stopEvent = w.stopEventDraft ?? null;
    w.triggerConditions = w.triggerConditionsDraft ?? null;
    w.triggerKeys = triggerKeysOf({ eventTrigger: w.eventTrigger });
    w.lastPublishedAt = new Date();
  }
  w.templateStatus = draftsPublished(w) ? 'published' : 'draft';
  w.actionsCount = countActions((w.template ?? w.templateDraft) as { nodes: { type: string }[] });
}

/** Applies seed 000's flat fields: the rule's trigger, conditions and Start → action template, as drafts. */
async function applyRule(em: EntityManager, deps: ServerDeps, w: Workflow, input: CreateWorkflowInput) {
  const merged = {
    ...(w.rule ?? {}),
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
  };
  const built = ruleWorkflow(deps, merged as CreateWorkflowInput, await knownEventTypeNames(em, w.accountId));
  if (!built.ok) failWith(built.problems, 'Invalid rule');
  w.rule = built.value.rule;
  w.templateDraft = built.value.template;
  w.eventTriggerDraft = built.value.eventTrigger;
  w.triggerConditionsDraft = built.value.triggerConditions;
}

/**
 * A stop event must be one of the account's configured stop events (seed 004) once the account lists any
 * (`PATCH /v1/account` `stop_events`); an account that lists none accepts any name.
 */
async function checkStopEvent(em: EntityManager, accountId: string, stopEvent: string | null | undefined) {
  if (stopEvent == null) return;
  const account = await em.findOneOrFail(Account, { id: accountId });
  const allowed = accountStopEvents(account);
  if (allowed.length > 0 && !allowed.includes(stopEvent)) {
    failWith(
      [{ path: 'stop_event', message: `must be one of the account's stop events: ${allowed.join(', ')}` }],
      `Unknown stop event ${JSON.stringify(stopEvent)}`,
    );
  }
}

/**
 * Creates a workflow. Seed 004's form saves the template, trigger and conditions as drafts (published at once with
 * `template_status: 'published'`); seed 000's rule form becomes a Start → action workflow published at once. The
 * name is unique per user (409 `duplicate_name`); the key is derived from the name when not given.
 */
export async function createWorkflow(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: CreateWorkflowInput,
): Promise<Workflow> {
  const userKey = input.user_key ?? 'main';
  await checkStopEvent(em, accountId, input.stop_event);
  if (await nameTaken(em, accountId, userKey, input.name)) throw duplicateName(input.name);
  if (input.key && (await em.count(Workflow, { accountId, userKey, key: input.key, deletedAt: null })) > 0) {
    throw new AppError('duplicate_key', `A workflow with key "${input.key}" already exists`, [
      { path: 'key', message: 'a workflow with this key already exists' },
    ]);
  }
  const rule = isRuleBody(input);
  if (rule && input.template) {
    failWith(
      [{ path: 'template', message: 'send a template or the rule fields, not both' }],
      'Invalid workflow',
    );
  }
  const w = em.create(Workflow, {
    id: uuidv7(),
    accountId,
    userKey,
    key: input.key ?? (await freeKey(em, accountId, userKey, slug(input.name))),
    name: input.name,
    enabled: input.enabled ?? true,
    autoStart: input.auto_start ?? true,
    templateStatus: 'draft',
    template: null,
    templateDraft: (input.template as Record<string, unknown> | undefined) ?? EMPTY_TEMPLATE,
    eventTriggerDraft: input.event_trigger ?? null,
    stopEventDraft: input.stop_event ?? null,
    triggerConditions: null,
    triggerConditionsDraft: conditionsOrNull(input.trigger_conditions),
    maxTriggersPerDay: input.max_triggers_per_day ?? null,
    triggerKeys: [],
    actionsCount: 0,
  });
  if (rule) await applyRule(em, deps, w, input);
  await checkAndMaybePublish(em, deps, w, rule || input.template_status === 'published', { rule });
  await flushUnique(em, w);
  return w;
}

/**
 * Changes the fields given. Template, trigger, stop event and conditions go to the drafts (the published version
 * keeps running until published); `template_status: 'published'` publishes them. A rule's flat fields rebuild its
 * template and publish it at once.
 */
export async function updateWorkflow(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: UpdateWorkflowInput,
): Promise<Workflow> {
  const w = await getWorkflow(em, accountId, input);
  await checkStopEvent(em, accountId, input.stop_event);
  if (input.name !== undefined && input.name !== w.name) {
    if (await nameTaken(em, accountId, w.userKey, input.name, w.id)) throw duplicateName(input.name);
    w.name = input.name;
  }
  if (input.key !== undefined) w.key = input.key;
  if (input.auto_start !== undefined) w.autoStart = input.auto_start;
  if (input.enabled !== undefined) {
    w.enabled = input.enabled;
    if (input.enabled) w.disabledReason = null;
  }
  if (input.max_triggers_per_day !== undefined) w.maxTriggersPerDay = input.max_triggers_per_day;
  if (input.template !== undefined) w.templateDraft = input.template as Record<string, unknown>;
  if (input.event_trigger !== undefined) w.eventTriggerDraft = input.event_trigger;
  if (input.stop_event !== undefined) w.stopEventDraft = input.stop_event;
  if (input.trigger_conditions !== undefined) w.triggerConditionsDraft = input.trigger_conditions;
  const rule = isRuleBody(input);
  const drawn = input.template !== undefined || input.event_trigger !== undefined;
  // Edited as a template, a rule's flat fields would no longer describe it: it becomes a plain workflow.
  if (drawn && !rule) w.rule = null;
  if (rule) {
    if (!w.rule)
      failWith([{ path: 'action_type', message: 'this workflow was not created as a rule' }], 'Invalid rule');
    await applyRule(em, deps, w, input as CreateWorkflowInput);
  }
  return saveChange(em, deps, w, rule || input.template_status === 'published');
}

/** Publishes the drafts (400 `validation_error` listing every problem, with node ids, when it cannot). */
export async function publishWorkflow(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  ref: WorkflowRefInput,
): Promise<Workflow> {
  return saveChange(em, deps, await getWorkflow(em, accountId, ref), true);
}

/**
 * Deletes a workflow (soft: `deleted_at`): it stops triggering at once, its running and waiting executions are
 * stopped (queued steps removed), and its key and name are free again.
 */
export async function deleteWorkflow(
  em: EntityManager,
  accountId: string,
  ref: WorkflowRefInput,
): Promise<Workflow> {
  return em.transactional(async (tem) => {
    const w = await getWorkflow(tem, accountId, ref);
    w.deletedAt = new Date();
    w.updatedAt = w.deletedAt;
    await tem.flush();
    // Its running and waiting executions stop with it: nothing it queued runs after the delete.
    const running = await run(tem, LIVE_EXECUTIONS_OF, [w.id]);
    await stopExecutions(
      tem,
      running.map((r) => r.id),
      'stopped: the workflow was deleted',
    );
    return w;
  });
}

/**
 * A copy of a workflow's drafts as a new, unpublished workflow with a new unique key (`<key>_<n>`, as in seed 004)
 * and name (`<name> (copy)`; names are unique per user) unless given. Counts and stats start at zero.
 */
export async function cloneWorkflow(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: CloneWorkflowInput,
): Promise<Workflow> {
  const src = await getWorkflow(em, accountId, input);
  let name = input.name;
  if (name === undefined) {
    for (let n = 1; n < 100 && name === undefined; n++) {
      const candidate = `${src.name.slice(0, 110)} (copy${n > 1 ? ` ${n}` : ''})`;
      if (!(await nameTaken(em, accountId, src.userKey, candidate))) name = candidate;
    }
    name ??= `${src.name.slice(0, 100)} (copy ${randomInt(100, 1_000_000)})`;
  } else if (await nameTaken(em, accountId, src.userKey, name)) {
    throw duplicateName(name);
  }
  const copy = await createWorkflow(em, deps, accountId, {
    name,
    key: input.key ?? (await freeKey(em, accountId, src.userKey, src.key.slice(0, 90))),
    user_key: src.userKey,
    template: src.templateDraft as CreateWorkflowInput['template'],
    auto_start: src.autoStart,
    enabled: src.enabled,
    event_trigger: src.eventTriggerDraft ?? null,
    stop_event: src.stopEventDraft ?? null,
    trigger_conditions: (src.triggerConditionsDraft ?? null) as Record<string, unknown> | null,
    max_triggers_per_day: src.maxTriggersPerDay ?? null,
  });
  if (src.rule) {
    copy.rule = src.rule;
    await em.flush();
  }
  return copy;
}
