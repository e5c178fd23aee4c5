/**
 * JSON text with every object's keys sorted, at every depth: equal for values that differ only in key order (a
 * request's body as each client orders it, jsonb as Postgres stores it), so it can be compared or hashed.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
