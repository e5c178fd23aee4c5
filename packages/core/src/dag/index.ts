export * from './edges.ts';
export { buildAdjacency, findCycles, type Graph, reachableFrom, topologicalOrder } from './graph.ts';
export { NodeIds } from './NodeIds.ts';
export * from './plan.ts';
export * from './schema.ts';
export * from './validate.ts';
