import {
  type Condition,
  computeRunAt,
  type DelaySettings,
  evaluateCondition,
  NonRetriableError,
  nodeConfig,
  planNext,
  RetryAfterError,
  renderConfig,
  renderTemplate,
  type StepState,
  stepJobKey,
  type WorkflowNode,
  workflowGraph,
} from '@switchyard/core';
import { type EntityManager, emitEvent, enqueueJob, run, runOne } from '@switchyard/server/db';
import { stepRequestId } from '../actions/provider.ts';
import type { WorkerDeps } from '../deps.ts';
import {
  CLAIM_STEP,
  COMPLETE_EXECUTION,
  type ExecutionRow,
  FAIL_EXECUTION,
  FAIL_INLINE_STEP,
  FAIL_STEP,
  LOCK_EXECUTION,
  RETRY_STEP,
  SCHEDULE_STEP,
  SKIP_PENDING_STEPS,
  STEP_ERROR,
  STEP_LEASE,
  STEPS_OF_EXECUTION,
  type StepRow,
  SUCCEED_INLINE_STEP,
  SUCCEED_LAST_STEP,
  SUCCEED_STEP,
} from './sql.ts';

/** Node types the engine evaluates itself while planning (no I/O); every other type is an action run as a job. */
const INLINE_TYPES: ReadonlySet<string> = new Set(['Start', 'Delay', 'Condition']);

/** Locks an execution's row for the rest of the transaction: every change of its plan goes through this lock. */
export async function lockExecution(em: EntityManager, id: string): Promise<ExecutionRow | undefined> {
  return runOne(em, LOCK_EXECUTION, [id]);
}

function asDate(v: Date | string | null): Date | null {
  if (v === null) return null;
  return v instanceof Date ? v : new Date(v);
}

/**
 * What a Condition node is evaluated on: the execution's data (fields by the event's own paths, `amount`, or through
 * the entity, `deal.amount`), and for `changed*` the same with the entity as it was before the event.
 */
function conditionInput(data: Record<string, unknown>) {
  const event = data.event as { entity?: string | null } | undefined;
  const entity = event?.entity;
  const previous = data.previous;
  return {
    data,
    previous:
      entity && typeof previous === 'object' && previous !== null
        ? { ...data, ...(previous as Record<string, unknown>), [entity]: previous }
        : undefined,
  };
}

// Settings written as "key: value" lines (a Webhook's headers and params): each line is rendered on its own and a
// value's line breaks become spaces, so a merged value can never add a header or a param.
const LINE_FIELDS: Readonly<Record<string, readonly string[]>> = { Webhook: ['headers', 'params'] };

function renderLines(text: string, data: Record<string, unknown>): string {
  return text
    .split(/\r\n|\n|\r/)
    .map((line) => (line.includes('{{') ? renderTemplate(line, data).output.replace(/[\r\n]+/g, ' ') : line))
    .join('\n');
}

// Settings that are HTML: merged values are HTML-escaped there (an e-mail's html body).
const HTML_FIELDS: Readonly<Record<string, readonly string[]>> = { SendEmail: ['html'] };

/** A node's settings with merge tokens filled from the execution's data (every string leaf on its own). */
export function renderNodeConfig(node: WorkflowNode, data: Record<string, unknown>): Record<string, unknown> {
  const config = nodeConfig(node);
  const special: Record<string, string> = {};
  for (const f of LINE_FIELDS[node.type] ?? []) {
    const v = config[f];
    if (typeof v === 'string') {
      special[f] = renderLines(v, data);
      delete config[f];
    }
  }
  for (const f of HTML_FIELDS[node.type] ?? []) {
    const v = config[f];
    if (typeof v === 'string') {
      special[f] = renderTemplate(v, data, { escape: 'html' }).output;
      delete config[f];
    }
  }
  return { ...renderConfig(config, data).value, ...special };
}

/** What an inline node produces: its output and when its children may run. */
function runInline(
  node: WorkflowNode,
  readyAt: Date,
  ex: ExecutionRow,
): { output: Record<string, unknown> | null; until: Date } {
  if (node.type === 'Delay') {
    const until = computeRunAt(node as unknown as DelaySettings, { now: readyAt, timeZone: ex.time_zone });
    return { output: { until: until.toISOString() }, until };
  }
  if (node.type === 'Condition') {
    const r = evaluateCondition((node as { condition: Condition }).condition, conditionInput(ex.data));
    return { output: { result: r.match, reason: r.reason }, until: readyAt };
  }
  return { output: null, until: readyAt };
}

/**
 * Moves a running execution forward; the caller holds its lock (see {@link lockExecution}) in a transaction. Skips
 * what can no longer run, evaluates Start, Delay and Condition nodes on the spot, schedules every ready action node
 * as one job (keyed by execution + node) at the time its parents allow — a Delay's children at its end — and, when
 * every step is done, completes the execution or fails it (emitting `workflow.execution_failed`).
 */
export async function advanceLocked(
  em: EntityManager,
  deps: WorkerDeps,
  ex: ExecutionRow,
  /** Every step of the execution when the caller has just read them under the lock. */
  stepsRead?: StepRow[],
): Promise<void> {
  if (ex.status !== 'running') return;
  const template = ex.template;
  const graph = workflowGraph(template);
  const byId = new Map(template.nodes.map((n) => [n.id, n]));
  const steps: StepRow[] = stepsRead ?? (await run(em, STEPS_OF_EXECUTION, [ex.id]));
  const states: Record<string, StepState> = {};
  const conditions: Record<string, boolean> = {};
  const readyTimes: Record<string, Date | null> = {};
  for (const s of steps) {
    states[s.node_id] = s.status;
    readyTimes[s.node_id] = asDate(s.run_at);
    if (s.type === 'Condition' && s.status === 'succeeded') {
      conditions[s.node_id] = (s.output as { result?: unknown } | null)?.result === true;
    }
  }
  const now = new Date();
  for (;;) {
    const plan = planNext(template, states, conditions);
    if (plan.skipped.length > 0) {
      await run(em, SKIP_PENDING_STEPS, [ex.id, plan.skipped]);
      for (const id of plan.skipped) states[id] = 'skipped';
    }
    let inlineRan = false;
    for (const nodeId of plan.runnable) {
      const node = byId.get(nodeId) as WorkflowNode;
      // A node may start once every parent is done, and not before the latest time a parent set (a Delay's end).
      let readyAt = now;
      for (const p of graph.parents[graph.indexOf.get(nodeId) as number] ?? []) {
        const t = readyTimes[graph.ids[p] as string];
        if (t && t > readyAt) readyAt = t;
      }
      if (INLINE_TYPES.has(node.type)) {
        let inline: ReturnType<typeof runInline>;
        try {
          inline = runInline(node, readyAt, ex);
        } catch (err) {
          // Settings that cannot be evaluated (publish checks them, but a template may predate a rule): the node
          // fails like an action would, and what depends on it is skipped.
          await run(em, FAIL_INLINE_STEP, [JSON.stringify(describeError(err)), ex.id, nodeId]);
          states[nodeId] = 'failed';
          inlineRan = true;
          continue;
        }
        const { output, until } = inline;
        await run(em, SUCCEED_INLINE_STEP, [until, JSON.stringify(output), ex.id, nodeId]);
        states[nodeId] = 'succeeded';
        readyTimes[nodeId] = until;
        if (node.type === 'Condition') conditions[nodeId] = output?.result === true;
        inlineRan = true;
      } else {
        const runAt = readyAt > now ? readyAt : null;
        const claimed = await run(em, SCHEDULE_STEP, [runAt ?? now, ex.id, nodeId]);
        states[nodeId] = 'scheduled';
        if (claimed.length > 0) {
          await enqueueJob(
            em,
            'run_workflow_step',
            { execution_id: ex.id, node_id: nodeId },
            { jobKey: stepJobKey(ex.id, nodeId), runAt: runAt ?? undefined },
          );
        }
      }
    }
    if (inlineRan) continue;
    if (plan.complete) await finishExecution(em, deps, ex, steps, states);
    return;
  }
}

async function finishExecution(
  em: EntityManager,
  deps: WorkerDeps,
  ex: ExecutionRow,
  steps: StepRow[],
  states: Record<string, StepState>,
): Promise<void> {
  const failedNodes = Object.keys(states).filter((id) => states[id] === 'failed');
  if (failedNodes.length === 0) {
    await run(em, COMPLETE_EXECUTION, [ex.id]);
    ex.status = 'completed';
    return;
  }
  const firstError = steps.find((s) => s.node_id === failedNodes[0])?.error as { message?: string } | null;
  const failedStep = await runOne(em, STEP_ERROR, [ex.id, failedNodes[0] as string]);
  const message = `step ${failedNodes[0]} failed: ${failedStep?.error?.message ?? firstError?.message ?? 'unknown error'}`;
  const updated = await run(em, FAIL_EXECUTION, [message, ex.id]);
  ex.status = 'failed';
  if (updated.length === 0) return;
  deps.logger.warn(
    { executionId: ex.id, workflowId: ex.workflow_id, failedNodes },
    'workflow execution failed',
  );
  await emitEvent(em, deps, ex.account_id, {
    type: 'workflow.execution_failed',
    entity: 'workflow',
    entityId: ex.workflow_id,
    data: {
      id: ex.workflow_id,
      workflow_id: ex.workflow_id,
      execution_id: ex.id,
      failed_nodes: failedNodes,
      error: message,
    },
    previous: null,
    userKey: ex.user_key,
    causedBy: [...ex.caused_by, ex.id],
  });
}

/** Plans a started execution's first steps (the `start_execution` job). Does nothing unless it is running. */
export async function startExecution(deps: WorkerDeps, executionId: string): Promise<void> {
  await deps.orm.em.fork().transactional(async (em) => {
    const ex = await lockExecution(em, executionId);
    if (ex) await advanceLocked(em, deps, ex);
  });
}

/** How a failing step is retried, from the environment. */
export function stepRetryPolicy(env: WorkerDeps['env']): { maxAttempts: number; delaysMs: number[] } {
  return {
    maxAttempts: env.WORKFLOW_STEP_MAX_ATTEMPTS,
    delaysMs: [...env.WORKFLOW_STEP_BACKOFF],
  };
}

/** A JSON description of a step failure: message, and what the other side answered when there was an answer. */
function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  const response = (err as { response?: unknown }).response;
  if (response !== undefined) out.response = response;
  if (err instanceof RetryAfterError) out.retry_after_ms = err.retryAfterMs;
  return out;
}

/** Whether a node has no successor in its template, so that its success may be the execution's last. */
function leadsNowhere(template: ExecutionRow['template'], nodeId: string): boolean {
  try {
    const graph = workflowGraph(template);
    const i = graph.indexOf.get(nodeId);
    return i !== undefined && graph.children[i]?.length === 0;
  } catch {
    // An unreadable template is the locked path's to report.
    return false;
  }
}

/** What {@link runStep} did. */
export type StepOutcome = 'succeeded' | 'retrying' | 'failed' | 'not_claimed';

/**
 * Runs one action step (the `run_workflow_step` job): claims it atomically, renders the node's merge tokens
 * against the execution's data, runs its provider, and records the result while moving the execution on — in one
 * transaction under the execution's lock. `NonRetriableError` fails the step at once, `RetryAfterError` retries no
 * sooner than it asks, any other error retries on WORKFLOW_STEP_BACKOFF up to WORKFLOW_STEP_MAX_ATTEMPTS; then the
 * step fails, its descendants are skipped, and the execution fails.
 */
export async function runStep(
  deps: WorkerDeps,
  executionId: string,
  nodeId: string,
  signal?: AbortSignal,
  /** The graphile-worker job running the step (see CLAIM). */
  jobId?: string,
): Promise<StepOutcome> {
  const em = deps.orm.em.fork();
  const lease = deps.env.WORKFLOW_STEP_TIMEOUT_SECONDS * 2;
  const job = jobId ?? null;
  const claimed = await runOne(em, CLAIM_STEP, [job, executionId, nodeId, lease]);
  if (!claimed) {
    await recheckLater(em, executionId, nodeId, lease);
    return 'not_claimed';
  }
  const ex: ExecutionRow = claimed;
  const node = ex.template.nodes.find((n) => n.id === nodeId);
  let output: unknown = null;
  let failure: unknown = null;
  try {
    if (!node) throw new NonRetriableError(`node ${nodeId} is not in the execution's template`);
    const provider = deps.actions.get(node.type);
    if (!provider) throw new NonRetriableError(`no action provider runs node type ${node.type}`);
    const rendered = renderNodeConfig(node, ex.data);
    const parsed = provider.configSchema.safeParse(rendered);
    if (!parsed.success) {
      throw new NonRetriableError(
        `invalid ${node.type} settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const timeout = AbortSignal.timeout(deps.env.WORKFLOW_STEP_TIMEOUT_SECONDS * 1000);
    const result = await provider.execute(parsed.data, {
      deps,
      em: deps.orm.em.fork(),
      accountId: ex.account_id,
      workflowId: ex.workflow_id,
      executionId,
      nodeId,
      stepKey: stepRequestId(executionId, nodeId, claimed.rerun),
      attempt: claimed.attempts,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    output = result.output ?? null;
  } catch (err) {
    failure = err;
  }
  if (failure === null && leadsNowhere(ex.template, nodeId)) {
    // The common case, a chain's last action: recorded and completed in one statement. (A node with a successor
    // leaves it open, so it goes straight to the locked path.)
    const last = await runOne(deps.pool, SUCCEED_LAST_STEP, [JSON.stringify(output), executionId, nodeId]);
    if (last?.recorded) return 'succeeded';
  }
  return em.transactional(async (tem) => {
    const locked = await lockExecution(tem, executionId);
    // Gone while the step ran (deleted with its account): nothing to record.
    if (!locked) return 'not_claimed';
    if (failure === null) {
      const steps = await run(tem, SUCCEED_STEP, [
        JSON.stringify(output),
        executionId,
        nodeId,
        locked.template.nodes.length,
      ]);
      // Completed in the statement (every step done and none failed): nothing is left to plan.
      if (steps[0]?.completed) return 'succeeded';
      await advanceLocked(tem, deps, locked, steps);
      return 'succeeded';
    }
    const error = describeError(failure);
    const policy = stepRetryPolicy(deps.env);
    const final = failure instanceof NonRetriableError || claimed.attempts >= policy.maxAttempts;
    if (!final && locked.status === 'running') {
      let delay = policy.delaysMs[claimed.attempts - 1] ?? policy.delaysMs[policy.delaysMs.length - 1] ?? 0;
      if (failure instanceof RetryAfterError) delay = Math.max(delay, failure.retryAfterMs);
      const runAt = new Date(Date.now() + delay);
      await run(tem, RETRY_STEP, [runAt, JSON.stringify(error), executionId, nodeId]);
      await enqueueJob(
        tem,
        'run_workflow_step',
        { execution_id: executionId, node_id: nodeId },
        { jobKey: stepJobKey(executionId, nodeId), runAt },
      );
      // One line per attempt: at debug, like every per-job detail.
      deps.logger.debug(
        { executionId, nodeId, attempt: claimed.attempts, delay, error },
        'workflow step will retry',
      );
      return 'retrying';
    }
    await run(tem, FAIL_STEP, [JSON.stringify(error), executionId, nodeId]);
    await advanceLocked(tem, deps, locked);
    return 'failed';
  });
}

/**
 * A job that found its step already taken. When the step is still running (another job has it, or a worker died
 * with it), look again once its lease is over, so a step whose worker died is taken over rather than left stuck.
 */
async function recheckLater(em: EntityManager, executionId: string, nodeId: string, leaseSeconds: number) {
  const row = await runOne(em, STEP_LEASE, [executionId, nodeId]);
  if (row?.status !== 'running' || !row.running) return;
  const runAt = new Date(new Date(row.updated_at).getTime() + leaseSeconds * 1000 + 1000);
  await enqueueJob(
    em,
    'run_workflow_step',
    { execution_id: executionId, node_id: nodeId },
    { jobKey: `${stepJobKey(executionId, nodeId)}:recheck`, runAt },
  );
}
