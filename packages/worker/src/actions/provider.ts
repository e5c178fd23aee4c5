import { createHash } from 'node:crypto';
import type { ActionDefinition, EntityManager } from '@switchyard/server/db';
import type { WorkerDeps } from '../deps.ts';

/**
 * Where a step runs: the execution it belongs to and the services it may use. The provider gets a fresh
 * EntityManager fork; what it returns is stored as the step's output.
 */
export interface ActionContext {
  deps: WorkerDeps;
  em: EntityManager;
  accountId: string;
  workflowId: string;
  executionId: string;
  nodeId: string;
  /**
   * The same on every attempt of this step within one run (see {@link stepRequestId}; a rerun gets a new one): sent as `Idempotency-Key` (and `webhook-id`,
   * the e-mail's Message-ID) so that the receiver can tell a retry from a new request.
   */
  stepKey: string;
  /** 1 on the first try. */
  attempt: number;
  /** Aborted when the worker shuts down or the execution is stopped. */
  signal: AbortSignal;
}

/**
 * The identifier of one step of one execution, the same across all its attempts: `step_<execution id>_<node id>`
 * (a hash of the node id when it holds characters a header or a Message-ID cannot carry). A deliberate rerun of the
 * execution is a new request, so each rerun of a step adds its number (`…_r1`, `…_r2`): the receiver's
 * Idempotency-Key dedup must not skip it, while a retry within one run keeps the identifier.
 */
export function stepRequestId(executionId: string, nodeId: string, rerun = 0): string {
  const node = /^[A-Za-z0-9._-]{1,100}$/.test(nodeId)
    ? nodeId
    : createHash('sha256').update(nodeId).digest('hex').slice(0, 24);
  return rerun === 0 ? `step_${executionId}_${node}` : `step_${executionId}_${node}_r${rerun}`;
}

/** What a step produced; stored as the step's output and visible in `GET /v1/executions/{id}`. */
export interface ActionResult {
  output: unknown;
}

/**
 * One kind of workflow action (a DAG node type other than Start, Delay and Condition) as the worker runs it: its
 * definition (the node `type`, the settings schema, from @switchyard/core for the built-ins, and any save-time
 * `validate`, which the API runs) plus `execute`. A host registers the same object with the API and the worker.
 *
 * `execute` gets the node's config with merge tokens already rendered. Failures are classified by what it throws:
 * `NonRetriableError` (from @switchyard/core) fails the step at once, `RetryAfterError` retries no sooner than it
 * says, anything else is retried with backoff.
 */
export interface ActionProvider<Config = unknown> extends ActionDefinition<Config> {
  execute(config: Config, ctx: ActionContext): Promise<ActionResult>;
}
