import type { Problem } from '../api.ts';

/** The node a `template.nodes.<id>[.field]` path names (ids may contain dots: the longest known id wins). */
function nodeOfPath(path: string, ids: readonly string[]): string | undefined {
  const prefix = 'template.nodes.';
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  let best: string | undefined;
  for (const id of ids) {
    if ((rest === id || rest.startsWith(`${id}.`)) && (!best || id.length > best.length)) best = id;
  }
  return best;
}

/** The Start step's own settings live outside the template: their problems belong to it. */
const START_FIELDS = ['event_trigger', 'trigger_conditions', 'stop_event'];

/** Problems sorted by the step they concern, with each field's message, and those of no step. */
export interface ProblemIndex {
  byNode: Map<string, Problem[]>;
  fields: Map<string, Record<string, string>>;
  general: Problem[];
}

/** Indexes the API's problems (`node_ids`, `template.nodes.<id>.<field>` paths) by step and field. */
export function indexProblems(
  problems: readonly Problem[],
  ids: readonly string[],
  startId: string | undefined,
): ProblemIndex {
  const byNode = new Map<string, Problem[]>();
  const fields = new Map<string, Record<string, string>>();
  const general: Problem[] = [];
  const add = (id: string, p: Problem) => {
    const list = byNode.get(id) ?? [];
    if (!list.some((q) => q.message === p.message)) byNode.set(id, [...list, p]);
  };
  for (const p of problems) {
    const top = p.path.split('.')[0] ?? '';
    if (START_FIELDS.includes(top) && startId) {
      add(startId, p);
      fields.set(startId, { ...fields.get(startId), [top]: fields.get(startId)?.[top] ?? p.message });
      continue;
    }
    const own = nodeOfPath(p.path, ids);
    const concerned = new Set([...(p.node_ids ?? []), ...(own ? [own] : [])]);
    if (concerned.size === 0) general.push(p);
    for (const id of concerned) add(id, p);
    if (own) {
      const field = p.path.slice(`template.nodes.${own}.`.length).split('.')[0];
      if (field) fields.set(own, { ...fields.get(own), [field]: fields.get(own)?.[field] ?? p.message });
    }
  }
  return { byNode, fields, general };
}
