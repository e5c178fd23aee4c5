import { z } from 'zod';

/**
 * The schema of an API object: `object` names its kind and `id` is its id, then its own fields (the same order in
 * every answer and in the OpenAPI document).
 */
export function apiObject<K extends string, S extends z.ZodRawShape>(kind: K, fields: S) {
  return z.object({ object: z.literal(kind), id: z.string(), ...fields });
}
