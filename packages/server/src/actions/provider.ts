import { createHash } from 'node:crypto';
import type { Problem } from '@switchyard/core';
import type { z } from 'zod';
import type { EntityManager } from '../db/orm.ts';
import type { ServerDeps } from '../deps.ts';

/**
 * Where a step runs: the execution it belongs to and the services it may use. The provider gets a fresh
 * EntityManager fork; what it returns is stored as the step's output.
 */
export interface ActionContext {
  deps: ServerDeps;
  em: EntityManager;
  accountId: string;
  workflowId: string;
  executionId: string;
  nodeId: string;
  /**
   * The same on every attempt of this step (see {@link stepRequestId}): sent as `Idempotency-Key` (and `webhook-id`,
   * the e-mail's Message-ID) so that the receiver can tell a retry from a new request.
   */
  stepKey: string;
  /** 1 on the first try. */
  attempt: number;
  /** Aborted when the worker shuts down or the execution is stopped. */
  signal: AbortSignal;
}

/**
 * The identifier of one step of one execution, the same across all its attempts: `step_<execution id>_<node id>`, or
 * a hash of the node id when it holds characters a header or a Message-ID cannot carry.
 */
export function stepRequestId(executionId: string, nodeId: string): string {
  const node = /^[A-Za-z0-9._-]{1,100}$/.test(nodeId)
    ? nodeId
    : createHash('sha256').update(nodeId).digest('hex').slice(0, 24);
  return `step_${executionId}_${node}`;
}

/** What a step produced; stored as the step's output and visible in `GET /v1/executions/{id}`. */
export interface ActionResult {
  output: unknown;
}

/**
 * One kind of workflow action (a DAG node type other than Start, Delay and Condition). The same provider object is
 * used by the API, which validates a node's config when a workflow is saved or published (a bad config is a 400
 * `validation_error` naming the field, never a failure at run time), and by the worker, which runs it.
 *
 * `execute` gets the node's config with merge tokens already rendered. Failures are classified by what it throws:
 * `NonRetriableError` (from @switchyard/core) fails the step at once, `RetryAfterError` retries no sooner than it
 * says, anything else is retried with backoff.
 */
export interface ActionProvider<Config = unknown> {
  /** The node `type` it runs, e.g. `SendEmail`. */
  type: string;
  /** Seed 000 `action_type` spelling, when the rule form may name it (e.g. `send_email`). */
  ruleActionType?: string;
  /** The node's config (the node object minus `type`), validated at save time. */
  configSchema: z.ZodType<Config>;
  /**
   * Checks beyond the schema that need the account (e.g. a connection exists); [] when fine. `publish` is set when
   * the workflow goes live (a rule is published when saved); a draft may lack what only running needs.
   */
  validate?(
    config: Config,
    ctx: { deps: ServerDeps; em: EntityManager; accountId: string; publish: boolean },
  ): Promise<Problem[]>;
  execute(config: Config, ctx: ActionContext): Promise<ActionResult>;
}

/** The providers a process knows, by node type. */
export class ActionRegistry {
  readonly #byType = new Map<string, ActionProvider>();

  constructor(providers: readonly ActionProvider<never>[] = []) {
    for (const p of providers) this.register(p);
  }

  /** Adds a provider, replacing a built-in of the same type (how a host swaps in its own handler). */
  register<C>(provider: ActionProvider<C>): this {
    this.#byType.set(provider.type, provider as unknown as ActionProvider);
    return this;
  }

  get(type: string): ActionProvider | undefined {
    return this.#byType.get(type);
  }

  /** The provider a seed 000 rule's `action_type` names. */
  forRuleActionType(actionType: string): ActionProvider | undefined {
    return [...this.#byType.values()].find((p) => p.ruleActionType === actionType);
  }

  types(): string[] {
    return [...this.#byType.keys()];
  }
}
