import type { Execution, ExecutionStep } from '../db/entities/index.ts';
import { timestampFields } from '../time.ts';
import type { ExecutionOutput, StepOutput } from './schema.ts';

/** The API shape of a step; `name` comes from the template's node. */
export function toStepOutput(s: ExecutionStep, zone: string, name: string | null): StepOutput {
  return {
    node_id: s.nodeId,
    name,
    type: s.type,
    status: s.status,
    attempts: s.attempts,
    output: s.output ?? null,
    error: s.error ?? null,
    ...timestampFields('run', s.runAt, zone),
    ...timestampFields('started', s.startedAt, zone),
    ...timestampFields('finished', s.finishedAt, zone),
  };
}

/** The API shape of an execution (with its steps, in template order, when given). */
export function toExecutionOutput(e: Execution, zone: string, steps?: ExecutionStep[]): ExecutionOutput {
  const nodes = ((e.template as { nodes?: { id: string; name?: string }[] }).nodes ?? []) as {
    id: string;
    name?: string;
  }[];
  const order = new Map(nodes.map((n, i) => [n.id, i]));
  return {
    object: 'execution',
    id: e.id,
    workflow_id: e.workflowId,
    user_key: e.userKey,
    status: e.status,
    event_id: e.eventId ?? null,
    caused_by: e.causedBy ?? [],
    stop_event: e.stopEvent ?? null,
    error: e.error ?? null,
    data: e.data ?? {},
    ...timestampFields('created', e.createdAt, zone),
    ...timestampFields('started', e.startedAt, zone),
    ...timestampFields('finished', e.finishedAt, zone),
    ...(steps
      ? {
          steps: [...steps]
            .sort((a, b) => (order.get(a.nodeId) ?? 0) - (order.get(b.nodeId) ?? 0))
            .map((s) => toStepOutput(s, zone, nodes.find((n) => n.id === s.nodeId)?.name ?? null)),
        }
      : {}),
  };
}
