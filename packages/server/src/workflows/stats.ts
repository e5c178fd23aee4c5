import type { Workflow } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { run } from '../db/statement.ts';
import { STEP_COUNTS } from './sql.ts';

const STEP_STATES = ['pending', 'scheduled', 'running', 'succeeded', 'failed', 'skipped'] as const;

/** Per-node step counts of each workflow's executions, zero-filled for every node of its current template. */
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
  const [first] = workflows;
  if (!first) return out;
  const rows = await run(em, STEP_COUNTS, [workflows.map((w) => w.id), first.accountId]);
  for (const r of rows) {
    const stats = out.get(r.workflow_id);
    if (!stats) continue;
    stats[r.node_id] ??= Object.fromEntries(STEP_STATES.map((s) => [s, 0]));
    (stats[r.node_id] as Record<string, number>)[r.status] = Number(r.n);
  }
  return out;
}
