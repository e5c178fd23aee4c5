export * from './builders.ts';
export { compareValues, containsValue, looseEqual, toInstant, toNumber } from './compare.ts';
export * from './evaluate.ts';
export * from './operators.ts';
export * from './schema.ts';
export * from './validate.ts';
