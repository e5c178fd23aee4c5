import { z } from 'zod';

/**
 * Query fields for expandable relations, in both spellings clients send: the seed's `expand[]=a&expand[]=b`
 * (trpc-to-openapi hands it over under the literal key `expand[]`) and plain `expand=a`. Spread into a GET input:
 * `z.object({ id, ...expandFields(['event_trigger']) })`, then read it with {@link readExpand}.
 */
export function expandFields<const T extends readonly [string, ...string[]]>(allowed: T) {
  const item = z.enum(allowed);
  const description = `Related objects to include: ${allowed.join(', ')}`;
  return {
    // An alias the document leaves out (openapi.ts keeps one parameter, `expand[]`).
    expand: z
      .union([item, z.array(item)])
      .optional()
      .describe(description),
    // A list: trpc-to-openapi makes a lone `expand[]=x` a one-item list before validation.
    'expand[]': z.array(item).optional().describe(description),
  };
}

/** The set of relations asked for, whichever spelling was used. */
export function readExpand<T extends string>(input: { expand?: T | T[]; 'expand[]'?: T[] }): Set<T> {
  const asList = (v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return new Set([...asList(input.expand), ...asList(input['expand[]'])]);
}
