/**
 * Workflow templates as DAGs (seed 004): node and template schemas, `"a-b"` edge parsing, validation with node ids,
 * and the scheduling helpers the worker runs executions with.
 */
export * from './dag/index.ts';
