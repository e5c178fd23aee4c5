import { NODE_SCHEMAS } from 'virtual:switchyard-core';

/** A node as templates hold it (seed 004): id, type, name and the type's settings. */
export interface TemplateNode {
  id: string;
  type: string;
  name?: string;
  [setting: string]: unknown;
}

/** A template as the API stores it: nodes, `"from-to"` edges and the editor's layout. */
export interface Template {
  nodes: TemplateNode[];
  edges: string[];
  positions?: Record<string, { x: number; y: number }>;
  [other: string]: unknown;
}

/** What the palette calls each node type, and the icon it shows. */
export const NODE_LABELS: Record<string, { label: string; icon: IconKey; hint: string }> = {
  Start: { label: 'Start', icon: 'flag', hint: 'The event that starts the workflow' },
  Delay: { label: 'Delay', icon: 'clock', hint: 'Wait before the next step' },
  Webhook: { label: 'Webhook', icon: 'globe', hint: 'Call a URL' },
  SendEmail: { label: 'Send email', icon: 'mail', hint: 'Send an e-mail' },
  SendChannelMessage: { label: 'Chat message', icon: 'chat', hint: 'Post to Slack, Teams, Discord…' },
  CreateTask: { label: 'Create task', icon: 'task', hint: 'Create a task in the app' },
  UpdateField: { label: 'Update field', icon: 'edit', hint: 'Change a field in the app' },
  Condition: { label: 'Condition', icon: 'branch', hint: 'Continue only when it holds' },
};
type IconKey = 'flag' | 'clock' | 'globe' | 'mail' | 'chat' | 'task' | 'edit' | 'branch';

/** The settings a new node of each type starts with (the rest is filled in its form). */
const DEFAULTS: Record<string, Record<string, unknown>> = {
  Delay: { delay_n: 1, delay_unit: 'hour' },
  Webhook: { url: '', method: 'POST' },
  SendEmail: { to: '', subject: '', text: '' },
  SendChannelMessage: { channel: 'slack', recipient: '', message: '' },
  CreateTask: { title: '' },
  UpdateField: { field: '', value: '' },
  Condition: { condition: { all: [] } },
};

/** A node id not yet used in `template`: `<type>_<n>` (no dash, so edges read one way only). */
export function freshId(template: Template, type: string): string {
  const used = new Set(template.nodes.map((n) => n.id));
  const base = type.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase());
  for (let n = 1; ; n++) if (!used.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** A new node of `type` with its defaults. */
export function newNode(template: Template, type: string): TemplateNode {
  return { id: freshId(template, type), type, name: NODE_LABELS[type]?.label ?? type, ...DEFAULTS[type] };
}

/**
 * Splits an edge string where both sides are known ids (ids may contain `-`, as core reads them); null when no
 * split or several fit.
 */
export function splitEdge(edge: string, ids: ReadonlySet<string>): [string, string] | null {
  const found: [string, string][] = [];
  for (let i = edge.indexOf('-'); i !== -1; i = edge.indexOf('-', i + 1)) {
    const from = edge.slice(0, i);
    const to = edge.slice(i + 1);
    if (ids.has(from) && ids.has(to)) found.push([from, to]);
  }
  return found.length === 1 ? (found[0] as [string, string]) : null;
}

/** The template's edges as `[from, to]` pairs (unreadable strings are left out). */
export function edgePairs(template: Template): [string, string][] {
  const ids = new Set(template.nodes.map((n) => n.id));
  return template.edges.map((e) => splitEdge(e, ids)).filter((e): e is [string, string] => e !== null);
}

/** True when every node has a saved position. */
export function hasPositions(template: Template): boolean {
  return template.nodes.every((n) => template.positions?.[n.id] !== undefined);
}

/** The settings fields of a node type (its schema without id, type and name), in schema order. */
export function settingsFields(type: string): string[] {
  const props = NODE_SCHEMAS[type]?.properties ?? {};
  return Object.keys(props).filter((k) => k !== 'id' && k !== 'type' && k !== 'name');
}

/** Whether the schema requires `field`. */
export function isRequired(type: string, field: string): boolean {
  return NODE_SCHEMAS[type]?.required?.includes(field) ?? false;
}

/** A template without node `id`, its edges and its position. */
export function withoutNode(template: Template, id: string): Template {
  const ids = new Set(template.nodes.map((n) => n.id));
  const positions = { ...template.positions };
  delete positions[id];
  return {
    ...template,
    nodes: template.nodes.filter((n) => n.id !== id),
    edges: template.edges.filter((e) => {
      const pair = splitEdge(e, ids);
      return pair ? pair[0] !== id && pair[1] !== id : true;
    }),
    positions,
  };
}
