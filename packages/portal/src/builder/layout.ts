import type { Template } from './template.ts';
import { edgePairs } from './template.ts';

const NODE_W = 220;
const NODE_H = 84;

/**
 * Positions for every node of a template that has none (seed 004 templates may come without a layout): dagre's
 * layered top-to-bottom layout, loaded only when needed.
 */
export async function autoLayout(template: Template): Promise<Record<string, { x: number; y: number }>> {
  const { default: dagre } = await import('@dagrejs/dagre');
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 60, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of template.nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const [a, b] of edgePairs(template)) g.setEdge(a, b);
  dagre.layout(g);
  const out: Record<string, { x: number; y: number }> = {};
  for (const n of template.nodes) {
    const p = g.node(n.id);
    // dagre gives centres; React Flow positions are top-left corners.
    out[n.id] = { x: Math.round(p.x - NODE_W / 2), y: Math.round(p.y - NODE_H / 2) };
  }
  return out;
}
