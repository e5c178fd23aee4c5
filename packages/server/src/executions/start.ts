import { planNext, stepJobKey, type WorkflowTemplate } from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { type JobSpec, jobSpec } from '../db/enqueue.ts';
import type { Workflow } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { run, runOne, type Statement } from '../db/statement.ts';
import type { ServerDeps } from '../deps.ts';
import type { EmitEvents, IngestContext, StoredEvent } from '../events/consumers.ts';
import type { NewEvent } from '../events/service.ts';
import { findTriggeredWorkflows } from '../workflows/triggers.ts';
import { buildContext } from './context.ts';
import {
  CAUSES_OF,
  COUNT_TRIGGER,
  CREATE_EXECUTIONS,
  DISABLE_WORKFLOW,
  type NewExecutionRow,
  type NewStepRow,
  TODAY_IN_ZONE,
  ZONE_AND_USER,
} from './sql.ts';

/** How workflows are being started. */
export interface StartOptions {
  /** The triggering event, when there is one. */
  event?: StoredEvent | null;
  /** `execution_data` of `POST /v1/trigger` or `/execute`. */
  executionData?: Record<string, unknown> | null;
  /** The chain of executions that caused this (loop guard). */
  causedBy: string[];
  /** Counted against `max_triggers_per_day` (every trigger; a manual `/execute` is not). */
  countTrigger: boolean;
  /** Run at once even when the workflow's `auto_start` is off (a manual `/execute`). */
  forceStart?: boolean;
  userKey: string;
  /**
   * How `workflow.triggered` and `workflow.disabled` are emitted: ingestion's own emitter, handed in by its caller
   * (this module runs inside ingestion, so it does not import it).
   */
  emit: EmitEvents;
}

/** What happened to one workflow asked to start. */
export interface StartResult {
  workflowId: string;
  executionId: string | null;
  status: 'running' | 'waiting' | 'skipped' | 'refused';
  reason?: string;
}

/**
 * The whole chain of an event's causes: the executions it names and every execution that caused those, so a host
 * that echoes only the last execution id (`x-switchyard-execution-id`) still carries the full depth.
 */
export async function causeChain(
  em: EntityManager,
  accountId: string,
  causedBy: string[],
): Promise<string[]> {
  if (causedBy.length === 0) return [];
  const rows = await run(em, CAUSES_OF, [accountId, causedBy]);
  const chain = new Set<string>();
  for (const r of rows) for (const id of r.caused_by ?? []) chain.add(id);
  for (const id of causedBy) chain.add(id);
  return [...chain];
}

async function passesBreaker(
  em: EntityManager,
  deps: ServerDeps,
  wf: Workflow,
  timeZone: string,
  opts: StartOptions,
): Promise<boolean> {
  const max = wf.maxTriggersPerDay;
  if (max === null || max === undefined) return true;
  if (max > 0) {
    const rows = await run(em, COUNT_TRIGGER, [wf.id, timeZone, max]);
    if (rows.length > 0) return true;
  }
  const day = await runOne(em, TODAY_IN_ZONE, [timeZone]);
  const reason = `max_triggers_per_day exceeded: more than ${max} triggers on ${day?.day} (${timeZone})`;
  // Only the trigger that flips `enabled` raises the alert: concurrent refusals find it disabled already.
  const flipped = await run(em, DISABLE_WORKFLOW, [reason, wf.id]);
  if (flipped.length > 0) {
    deps.logger.warn({ workflowId: wf.id, max }, 'workflow disabled by its circuit breaker');
    await opts.emit(em, deps, wf.accountId, [
      {
        type: 'workflow.disabled',
        entity: 'workflow',
        entityId: wf.id,
        data: {
          id: wf.id,
          key: wf.key,
          name: wf.name,
          user_key: wf.userKey,
          reason,
          max_triggers_per_day: max,
        },
        previous: null,
        userKey: wf.userKey,
        causedBy: opts.causedBy,
      },
    ]);
  }
  return false;
}

/** Node types the engine evaluates while planning; the others are actions, each run as a job. */
const INLINE_TYPES: ReadonlySet<string> = new Set(['Start', 'Delay', 'Condition']);

/**
 * The first actions of a template when its Start leads straight to actions (the common Start → Webhook): they are
 * scheduled at creation and Start is resolved there, so the execution needs no planning job. Null when the first
 * nodes after Start need the engine (a Delay, a Condition, nothing at all): the `start_execution` job plans them.
 */
export function firstActions(template: WorkflowTemplate): { start: string; actions: string[] } | null {
  const first = planNext(template, {});
  const [start] = first.runnable;
  if (first.runnable.length !== 1 || start === undefined) return null;
  const next = planNext(template, { [start]: 'succeeded' });
  if (next.complete || next.skipped.length > 0 || next.runnable.length === 0) return null;
  const types = new Map(template.nodes.map((n) => [n.id, n.type]));
  if (next.runnable.some((id) => INLINE_TYPES.has(types.get(id) ?? 'Start'))) return null;
  return { start, actions: next.runnable };
}

/** A workflow asked to start, and how. */
export interface StartRequest {
  workflow: Workflow;
  opts: StartOptions;
}

/**
 * Starts executions of `workflows` in `em`'s transaction (the event's own, when an event triggers them), all with
 * the same options: see {@link startRequested}.
 */
export function startWorkflows(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  workflows: readonly Workflow[],
  opts: StartOptions,
): Promise<StartResult[]> {
  return startRequested(
    em,
    deps,
    accountId,
    workflows.map((workflow) => ({ workflow, opts })),
  );
}

type ZoneAndUser = (typeof ZONE_AND_USER extends Statement<infer _P, infer R> ? R : never) | undefined;

/**
 * Starts the requested executions in `em`'s transaction, in order: applies the loop guard (an event caused by
 * WORKFLOW_MAX_CHAIN_DEPTH chained executions starts nothing; the refusal is kept as an execution with status
 * `skipped`) and the circuit breaker, then writes every execution with one step per node, counts it on its workflow
 * and queues its first jobs in one statement — or leaves it `waiting` when the workflow does not auto-start — and
 * emits their `workflow.triggered` together. One result per request, in order.
 */
export async function startRequested(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  requests: readonly StartRequest[],
): Promise<StartResult[]> {
  if (requests.length === 0) return [];
  const zones = new Map<string, Promise<ZoneAndUser>>();
  const zoneAndUser = (userKey: string) => {
    let found = zones.get(userKey);
    if (!found) {
      found = runOne(em, ZONE_AND_USER, [accountId, userKey]);
      zones.set(userKey, found);
    }
    return found;
  };
  const executions: NewExecutionRow[] = [];
  const steps: NewStepRow[] = [];
  const jobs: JobSpec[] = [];
  const triggered = new Map<StartOptions['emit'], NewEvent[]>();
  const results: StartResult[] = [];
  const maxDepth = deps.env.WORKFLOW_MAX_CHAIN_DEPTH;
  for (const { workflow: wf, opts } of requests) {
    const template = wf.template as unknown as WorkflowTemplate | null;
    if (!template) {
      results.push({ workflowId: wf.id, executionId: null, status: 'refused', reason: 'not published' });
      continue;
    }
    const id = uuidv7();
    const row = {
      id,
      account_id: accountId,
      workflow_id: wf.id,
      user_key: wf.userKey,
      template,
      event_id: opts.event?.id ?? null,
      caused_by: opts.causedBy,
      stop_event: wf.stopEvent ?? null,
    };
    if (opts.causedBy.length >= maxDepth) {
      const reason = `loop_guard: caused by a chain of ${opts.causedBy.length} executions (WORKFLOW_MAX_CHAIN_DEPTH is ${maxDepth})`;
      deps.logger.warn(
        { workflowId: wf.id, eventId: opts.event?.id, chain: opts.causedBy },
        'loop guard refused',
      );
      executions.push({ ...row, status: 'skipped', data: {}, error: reason, count: false });
      results.push({ workflowId: wf.id, executionId: id, status: 'skipped', reason });
      continue;
    }
    const found = await zoneAndUser(opts.userKey);
    const timeZone = found?.time_zone ?? 'UTC';
    if (opts.countTrigger && !(await passesBreaker(em, deps, wf, timeZone, opts))) {
      results.push({
        workflowId: wf.id,
        executionId: null,
        status: 'refused',
        reason: 'max_triggers_per_day',
      });
      continue;
    }
    const templateData = (template as { data?: unknown }).data;
    const data = buildContext({
      templateData: typeof templateData === 'object' ? (templateData as Record<string, unknown>) : null,
      executionData: opts.executionData ?? null,
      event: opts.event ?? null,
      user: found?.key
        ? { key: found.key, name: found.name, email: found.email, userData: found.config?.user_data ?? {} }
        : { key: opts.userKey, name: null, email: null, userData: {} },
      workflow: { id: wf.id, key: wf.key, name: wf.name },
    });
    const status = wf.autoStart || opts.forceStart ? 'running' : 'waiting';
    const planned = status === 'running' ? firstActions(template) : null;
    const statusOf = (nodeId: string) =>
      planned?.start === nodeId ? 'succeeded' : planned?.actions.includes(nodeId) ? 'scheduled' : 'pending';
    executions.push({ ...row, status, data, error: null, count: true });
    for (const n of template.nodes) {
      steps.push({ id: uuidv7(), execution_id: id, node_id: n.id, type: n.type, status: statusOf(n.id) });
    }
    // The first actions' jobs, in the event's transaction: nothing waits for a planning job.
    jobs.push(
      ...(planned
        ? planned.actions.map((nodeId) =>
            jobSpec('run_workflow_step', { execution_id: id, node_id: nodeId }, stepJobKey(id, nodeId)),
          )
        : status === 'running'
          ? [jobSpec('start_execution', { execution_id: id }, `execution:${id}:start`)]
          : []),
    );
    // The catalog's `workflow.triggered`, for subscribers (no entity snapshot: it describes no entity of the host).
    const notices = triggered.get(opts.emit) ?? [];
    triggered.set(opts.emit, notices);
    notices.push({
      type: 'workflow.triggered',
      entity: 'workflow',
      entityId: null,
      data: {
        workflow_id: wf.id,
        workflow_key: wf.key,
        execution_id: id,
        status,
        event_id: opts.event?.id ?? null,
        event_type: opts.event?.type ?? null,
      },
      previous: null,
      userKey: wf.userKey,
      causedBy: [...opts.causedBy, id],
    });
    results.push({ workflowId: wf.id, executionId: id, status });
  }
  if (executions.length > 0) {
    const created = await runOne(em, CREATE_EXECUTIONS, [
      JSON.stringify(executions),
      JSON.stringify(steps),
      JSON.stringify(jobs),
    ]);
    if (created?.executions !== executions.length || created.jobs !== jobs.length) {
      throw new Error(
        `wrote ${created?.executions} executions with ${created?.jobs} jobs for ${executions.length} with ${jobs.length}`,
      );
    }
  }
  for (const [emit, notices] of triggered) await emit(em, deps, accountId, notices);
  return results;
}

/**
 * Switchyard's own `workflow.*` events never start the workflow they are about (its `workflow.triggered` would
 * trigger it again), nor a catch-all `*` workflow (which would run once more for each of its own notices).
 */
function aboutItself(wf: Workflow, event: StoredEvent): boolean {
  if (wf.eventTrigger === '*') return true;
  const data = event.data as { id?: unknown; workflow_id?: unknown };
  return data.workflow_id === wf.id || data.id === wf.id;
}

/**
 * How ingestion starts workflows: inside the transaction that stored `events`, every workflow each of them triggers
 * (found through the trigger index), all written together, so an acknowledged event never loses its executions. The
 * results of each event, in the order of `events`.
 */
export async function startExecutionsForEvents(
  em: EntityManager,
  deps: ServerDeps,
  events: readonly StoredEvent[],
  ctx: Pick<IngestContext, 'executionData'> & { emit: EmitEvents },
): Promise<StartResult[][]> {
  const requests: StartRequest[] = [];
  const owner: number[] = [];
  for (const [i, event] of events.entries()) {
    if (event.couldStartWorkflow === false) continue;
    const found = await findTriggeredWorkflows(em, event);
    const workflows = event.entity === 'workflow' ? found.filter((wf) => !aboutItself(wf, event)) : found;
    if (workflows.length === 0) continue;
    const opts: StartOptions = {
      event,
      executionData: ctx.executionData,
      causedBy: await causeChain(em, event.accountId, event.causedBy),
      countTrigger: true,
      userKey: event.userKey,
      emit: ctx.emit,
    };
    for (const workflow of workflows) {
      requests.push({ workflow, opts });
      owner.push(i);
    }
  }
  const starts: StartResult[][] = events.map(() => []);
  if (requests.length === 0) return starts;
  const results = await startRequested(em, deps, events[0]?.accountId as string, requests);
  for (const [j, r] of results.entries()) starts[owner[j] as number]?.push(r);
  return starts;
}
