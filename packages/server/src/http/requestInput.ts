import type { IncomingMessage } from 'node:http';
import { withAddressingQuery } from './addressing.ts';
import { assertJsonDepth, mediaType, parseForm, readRawBody, readRequestBody } from './body.ts';
import { typeFormValues } from './formTypes.ts';
import { findRestRoute, type RestRoute } from './restRoutes.ts';

// What the request listener does with a call's input before a handler sees it: parsed and checked once.

/**
 * Puts a REST call's input where trpc-to-openapi reads it, parsed and checked first: a JSON or form-encoded body
 * (an object, depth-limited on its text, a form's strings typed for the procedure's schema) becomes `req.body`;
 * a form body sent with GET or DELETE (`curl -X GET -d "expand[]=event_trigger"`, as seed 004 writes it) joins
 * the query.
 */
export async function prepareRestInput(
  req: IncomingMessage,
  method: string,
  pathname: string,
  routes: readonly RestRoute[],
  maxBytes: number,
): Promise<void> {
  const carrier = req as IncomingMessage & { body?: unknown; query?: Record<string, string[]> };
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    const body = await readRequestBody(req, maxBytes);
    carrier.body = withAddressingQuery(
      req,
      body.kind === 'none'
        ? {}
        : body.kind === 'json'
          ? body.value
          : typeFormValues(body.value, findRestRoute(routes, method, pathname)?.input),
    );
    // A POST with no parameters (seed 004's clone, stop) is sent without a body or a Content-Type; a form is
    // JSON from here on.
    req.headers['content-type'] = 'application/json';
    return;
  }
  // The query is read here, into an object with no prototype: trpc-to-openapi's own reading pushes onto
  // `query[name]`, which for `?toString=x` or `?constructor=x` is a function of Object.prototype (a 500).
  const query = Object.create(null) as Record<string, string[]>;
  const add = (params: URLSearchParams) =>
    params.forEach((value, key) => {
      query[key] ??= [];
      query[key].push(value);
    });
  add(new URL(req.url ?? '/', 'http://localhost').searchParams);
  if (mediaType(req) === 'application/x-www-form-urlencoded') {
    const text = (await readRawBody(req, maxBytes)).toString('utf8');
    parseForm(text); // its limits, as for any form
    add(new URLSearchParams(text));
  }
  carrier.query = query;
}

/**
 * A tRPC call's input is JSON too (the body, or `?input=` on a GET): its depth is checked on the text before tRPC
 * parses it, and the body is handed to tRPC as that text.
 */
export async function prepareTrpcInput(
  req: IncomingMessage,
  method: string,
  maxBytes: number,
): Promise<void> {
  if (method === 'GET') {
    for (const input of new URL(req.url ?? '/', 'http://localhost').searchParams.getAll('input')) {
      assertJsonDepth(input, 'The tRPC input');
    }
    return;
  }
  const raw = await readRawBody(req, maxBytes);
  const text = raw.toString('utf8');
  assertJsonDepth(text, 'The tRPC input');
  (req as IncomingMessage & { body?: unknown }).body = raw.length === 0 ? undefined : text;
}
