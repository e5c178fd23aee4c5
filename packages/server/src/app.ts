import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createOpenApiNodeHttpHandler, type OpenAPIObject } from 'trpc-to-openapi';
import { type Context, createContextInner } from './context.ts';
import type { ServerDeps } from './deps.ts';
import { docsHtml, sendDocsBundle } from './docsPage.ts';
import { AppError, errorEnvelope, toAppError, trpcErrorBody } from './errors.ts';
import { assertJsonDepth, mediaType, parseForm, readRawBody, readRequestBody } from './http/body.ts';
import { typeFormValues } from './http/formTypes.ts';
import { findRestRoute, restRoutes } from './http/restRoutes.ts';
import { answerClientError } from './http/transport.ts';
import { createHttpMetrics } from './metrics.ts';
import { buildOpenApiDocument, successStatuses } from './openapi.ts';
import { appRouter } from './router.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Most calls one tRPC batch request may carry. */
const MAX_TRPC_BATCH = 50;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: AppError, requestId: string): void {
  if (res.headersSent) return void res.end();
  sendJson(res, err.status, errorEnvelope(err, requestId));
}

/**
 * The whole HTTP surface of one server process: REST under `/v1`, tRPC under `/trpc`, the OpenAPI document, the
 * docs page, health, readiness and metrics. Every response carries `X-Request-ID`.
 */
export function createRequestListener(deps: ServerDeps, publicUrl: string) {
  const metrics = createHttpMetrics();
  const statuses = successStatuses(appRouter);
  let openApiDoc: OpenAPIObject | undefined;
  const pendingErrors = new WeakMap<IncomingMessage, AppError>();
  const routeOf = new WeakMap<ServerResponse, string>();

  const routes = restRoutes(appRouter);

  // Both handlers run inside our own node:http server, so `res` is always a plain ServerResponse.
  const contextFor =
    (transport: Context['transport']) =>
    (opts: { req: IncomingMessage; res: unknown }): Context => {
      const res = opts.res as ServerResponse;
      return createContextInner({
        deps,
        headers: opts.req.headers,
        requestId: String(res.getHeader('X-Request-ID')),
        res,
        transport,
      });
    };

  const onError = ({ error, req, path }: { error: TRPCError; req: IncomingMessage; path?: string }) => {
    const appError = toAppError(error);
    pendingErrors.set(req, appError);
    if (appError.status >= 500) deps.logger.error({ err: error.cause ?? error, path }, 'procedure failed');
  };

  // The Node handler (not the standalone one, which re-reads the body as a Fetch Request): we parse the body first.
  const restHandler = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: contextFor('rest'),
    maxBodySize: deps.env.MAX_BODY_BYTES,
    onError,
    responseMeta: ({ paths, errors, ctx }) => {
      const path = paths?.[0];
      if (path && ctx?.res) routeOf.set(ctx.res, path);
      if (errors.length > 0) return { status: toAppError(errors[0]).status };
      return { status: (path && statuses.get(path)) || 200 };
    },
  });

  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: contextFor('trpc'),
    maxBodySize: deps.env.MAX_BODY_BYTES,
    maxBatchSize: MAX_TRPC_BATCH,
    onError,
  });

  /**
   * Puts a REST call's input where trpc-to-openapi reads it, parsed and checked first: a JSON or form-encoded body
   * (an object, depth-limited on its text, a form's strings typed for the procedure's schema) becomes `req.body`;
   * a form body sent with GET or DELETE (`curl -X GET -d "expand[]=event_trigger"`, as seed 004 writes it) joins
   * the query.
   */
  async function prepareRestInput(req: IncomingMessage, method: string, pathname: string): Promise<void> {
    const carrier = req as IncomingMessage & { body?: unknown; query?: Record<string, string[]> };
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const body = await readRequestBody(req, deps.env.MAX_BODY_BYTES);
      carrier.body =
        body.kind === 'none'
          ? {}
          : body.kind === 'json'
            ? body.value
            : typeFormValues(body.value, findRestRoute(routes, method, pathname)?.input);
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
      const text = (await readRawBody(req, deps.env.MAX_BODY_BYTES)).toString('utf8');
      parseForm(text); // its limits, as for any form
      add(new URLSearchParams(text));
    }
    carrier.query = query;
  }

  /**
   * A tRPC call's input is JSON too (the body, or `?input=` on a GET): its depth is checked on the text before tRPC
   * parses it, and the body is handed to tRPC as that text.
   */
  async function prepareTrpcInput(req: IncomingMessage, method: string): Promise<void> {
    if (method === 'GET') {
      for (const input of new URL(req.url ?? '/', 'http://localhost').searchParams.getAll('input')) {
        assertJsonDepth(input, 'The tRPC input');
      }
      return;
    }
    const raw = await readRawBody(req, deps.env.MAX_BODY_BYTES);
    const text = raw.toString('utf8');
    assertJsonDepth(text, 'The tRPC input');
    (req as IncomingMessage & { body?: unknown }).body = raw.length === 0 ? undefined : text;
  }

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string, pathname: string) {
    const method = req.method ?? 'GET';
    if (pathname.startsWith('/v1/')) {
      await prepareRestInput(req, method, pathname);
      // trpc-to-openapi writes its own error shape; ours replaces it on the way out.
      const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
      res.end = ((chunk?: unknown) => {
        const appError = pendingErrors.get(req);
        if (appError) {
          res.statusCode = appError.status;
          return end(JSON.stringify(errorEnvelope(appError, requestId)));
        }
        return end(chunk);
      }) as ServerResponse['end'];
      return restHandler(req, res);
    }
    if (pathname.startsWith('/trpc/')) {
      try {
        await prepareTrpcInput(req, method);
      } catch (err) {
        const appError = toAppError(err);
        return sendJson(res, appError.status, trpcErrorBody(appError, requestId));
      }
      return trpcHandler(req, res);
    }
    if (method !== 'GET' && method !== 'HEAD')
      throw new AppError('not_found', `No route ${method} ${pathname}`);
    switch (pathname) {
      case '/health':
        return sendJson(res, 200, { status: 'ok' });
      case '/ready': {
        try {
          await deps.pool.query('select 1');
          return sendJson(res, 200, { status: 'ready' });
        } catch (err) {
          deps.logger.warn({ err }, 'readiness check failed');
          return sendJson(res, 503, { status: 'unavailable', reason: 'database unreachable' });
        }
      }
      case '/metrics':
        res.setHeader('Content-Type', metrics.registry.contentType);
        return res.end(await metrics.registry.metrics());
      case '/openapi.json':
        openApiDoc ??= buildOpenApiDocument(appRouter, publicUrl);
        return sendJson(res, 200, openApiDoc);
      case '/docs':
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        return res.end(docsHtml());
      case '/docs/standalone.js':
        return sendDocsBundle(res);
      case '/':
        return sendJson(res, 200, { name: 'switchyard', docs: '/docs', openapi: '/openapi.json' });
      default:
        throw new AppError('not_found', `No route ${method} ${pathname}`);
    }
  }

  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    const sent = req.headers['x-request-id'];
    const requestId = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    res.setHeader('X-Request-ID', requestId);
    const started = performance.now();
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const routeLabel =
        routeOf.get(res) ??
        (pathname.startsWith('/v1/') || pathname.startsWith('/trpc/') ? 'unmatched' : pathname);
      metrics.requests.inc({ method: req.method, route: routeLabel, status: res.statusCode });
      metrics.duration.observe({ method: req.method, route: routeLabel }, seconds);
      deps.logger.debug(
        {
          method: req.method,
          url: req.url,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
          requestId,
        },
        'request',
      );
    });
    try {
      await route(req, res, requestId, pathname);
    } catch (err) {
      const appError = toAppError(err);
      if (appError.status >= 500) deps.logger.error({ err, requestId }, 'request failed');
      sendError(res, appError, requestId);
    }
  };
  return listener;
}

/** A running HTTP server. */
export interface RunningServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** Starts the HTTP server on `host:port` (port 0 picks a free one). */
export async function listen(
  deps: ServerDeps,
  host: string,
  port: number,
  publicUrl?: string,
): Promise<RunningServer> {
  const server = http.createServer();
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  const listener = createRequestListener(deps, publicUrl ?? url);
  server.on('request', (req, res) => void listener(req, res));
  // Requests Node refuses before they reach us (headers over 16 KB, a malformed request line, a timeout) get the
  // error envelope too, not Node's bare status line.
  server.on('clientError', (err, socket) => answerClientError(err, socket, deps.logger));
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
