/**
 * Conditions: leaf comparisons grouped with `all` / `any`, evaluated against `{ data, previous }` to
 * `{ match, reason }`. The comparison rules are written down in ./conditions/compare.ts.
 */
export * from './conditions/index.ts';
