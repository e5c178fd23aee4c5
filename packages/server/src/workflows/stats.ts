import type { Workflow } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';

const STEP_STATES = ['pending', 'scheduled', 'running', 'succeeded', 'failed', 'skipped'] as const;

/**
 * Per-node step counts of each workflow's executions, zero-filled for every node of its current template. Empty
 * counts until the executions tables exist (they come with the executions module).
 */
export async function workflowStats(
  em: EntityManager,
  workflows: readonly Workflow[],
): Promise<Map<string, Record<string, Record<string, number>>>> {
  const out = new Map<string, Record<string, Record<string, number>>>();
  for (const w of workflows) {
    const stats: Record<string, Record<string, number>> = {};
    const nodes = ((w.template ?? w.templateDraft) as { nodes?: { id?: unknown }[] }).nodes ?? [];
    for (const n of nodes) {
      if (typeof n.id === 'string') stats[n.id] = Object.fromEntries(STEP_STATES.map((s) => [s, 0]));
    }
    out.set(w.id, stats);
  }
  if (workflows.length === 0) return out;
  const [exists] = await em.execute<{ ok: boolean }[]>(
    `select to_regclass('execution_steps') is not null and to_regclass('executions') is not null as ok`,
  );
  if (!exists?.ok) return out;
  const rows = await em.execute<{ workflow_id: string; node_id: string; status: string; n: string }[]>(
    `select e.workflow_id, s.node_id, s.status, count(*) as n
     from execution_steps s join executions e on e.id = s.execution_id
     where e.workflow_id = any(?::uuid[]) and e.account_id = ?
     group by 1, 2, 3`,
    [`{${workflows.map((w) => w.id).join(',')}}`, workflows[0]?.accountId],
  );
  for (const r of rows) {
    const stats = out.get(r.workflow_id);
    if (!stats) continue;
    stats[r.node_id] ??= Object.fromEntries(STEP_STATES.map((s) => [s, 0]));
    (stats[r.node_id] as Record<string, number>)[r.status] = Number(r.n);
  }
  return out;
}
