import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.ts';

/**
 * Parameters that say which resource a route addresses (seed 004's `id_type=key` and `user_key`). GET and DELETE
 * read them from the query string; POST, PUT and PATCH read the body, so a client that puts them in the query
 * (`POST /v1/workflows/onboarding/execute?id_type=key`) would be ignored without this.
 */
const ADDRESSING = ['id_type', 'user_key'] as const;

/**
 * Copies the addressing parameters of a write request's query string into its parsed body, so they work the same
 * way on every route. A parameter given in both places with different values is refused (400): neither can be
 * chosen silently.
 */
export function withAddressingQuery(req: IncomingMessage, body: unknown): unknown {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  if (!ADDRESSING.some((name) => query.has(name))) return body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const name of ADDRESSING) {
    const values = query.getAll(name);
    if (values.length === 0) continue;
    if (values.length > 1 || (name in out && out[name] !== values[0])) {
      throw new AppError('validation_error', `${name} is given twice with different values`, [
        { path: name, message: 'give it once, in the query string or in the body' },
      ]);
    }
    out[name] = values[0];
  }
  return out;
}
