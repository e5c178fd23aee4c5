import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createOpenApiNodeHttpHandler, type OpenAPIObject } from 'trpc-to-openapi';
import { type Context, createContextInner } from './context.ts';
import type { ServerDeps } from './deps.ts';
import { docsHtml, sendDocsBundle } from './docsPage.ts';
import { AppError, errorEnvelope, RETRY_AFTER_SECONDS, toAppError, trpcErrorBody } from './errors.ts';
import { prepareRestInput, prepareTrpcInput } from './http/requestInput.ts';
import { restRoutes } from './http/restRoutes.ts';
import { answerClientError } from './http/transport.ts';
import { createHttpMetrics } from './metrics.ts';
import { buildOpenApiDocument, successStatuses } from './openapi.ts';
import { createPortalHandler, isPortalPath } from './portal/static.ts';
import { appRouter } from './router.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Most calls one tRPC batch request may carry. */
const MAX_TRPC_BATCH = 50;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

/** Headers an error response carries beyond the body: a 503 says when to try again. */
function setErrorHeaders(res: ServerResponse, err: AppError): void {
  if (err.code === 'unavailable' && !res.headersSent)
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
}

function sendError(res: ServerResponse, err: AppError, requestId: string): void {
  if (res.headersSent) return void res.end();
  setErrorHeaders(res, err);
  sendJson(res, err.status, errorEnvelope(err, requestId));
}

/** Logs a failed request once: a database outage is a warning without a stack (it is not a bug), a 5xx an error. */
function logFailure(
  deps: ServerDeps,
  appError: AppError,
  err: unknown,
  fields: Record<string, unknown>,
): void {
  if (appError.code === 'unavailable')
    deps.logger.warn({ ...fields, code: appError.code }, 'database unreachable');
  else if (appError.status >= 500) deps.logger.error({ err, ...fields }, 'request failed');
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
  const servePortal = createPortalHandler(deps.env);

  const routes = restRoutes(appRouter);
  // Both handlers run inside our own node:http server, so `res` is always a plain ServerResponse.
  const createContext = (opts: { req: IncomingMessage; res: unknown }): Context => {
    const res = opts.res as ServerResponse;
    return createContextInner({
      deps,
      headers: opts.req.headers,
      requestId: String(res.getHeader('X-Request-ID')),
      res,
      transport: opts.req.url?.startsWith('/trpc/') ? 'trpc' : 'rest',
      publicUrl,
    });
  };

  const onError = ({ error, req, path }: { error: TRPCError; req: IncomingMessage; path?: string }) => {
    const appError = toAppError(error);
    pendingErrors.set(req, appError);
    logFailure(deps, appError, error.cause ?? error, { path });
  };

  // The Node handler (not the standalone one, which re-reads the body as a Fetch Request): we parse the body first.
  const restHandler = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext,
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
    createContext,
    maxBodySize: deps.env.MAX_BODY_BYTES,
    maxBatchSize: MAX_TRPC_BATCH,
    onError,
    responseMeta: ({ errors }) =>
      errors.some((e) => toAppError(e).code === 'unavailable')
        ? { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } }
        : {},
  });

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string, pathname: string) {
    const method = req.method ?? 'GET';
    if (pathname.startsWith('/v1/')) {
      await prepareRestInput(req, method, pathname, routes, deps.env.MAX_BODY_BYTES);
      // trpc-to-openapi writes its own error shape; ours replaces it on the way out.
      const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
      res.end = ((chunk?: unknown) => {
        const appError = pendingErrors.get(req);
        if (appError) {
          res.statusCode = appError.status;
          setErrorHeaders(res, appError);
          return end(JSON.stringify(errorEnvelope(appError, requestId)));
        }
        return end(chunk);
      }) as ServerResponse['end'];
      return restHandler(req, res);
    }
    if (pathname.startsWith('/trpc/')) {
      try {
        await prepareTrpcInput(req, method, deps.env.MAX_BODY_BYTES);
      } catch (err) {
        const appError = toAppError(err);
        return sendJson(res, appError.status, trpcErrorBody(appError, requestId));
      }
      return trpcHandler(req, res);
    }
    if (method !== 'GET' && method !== 'HEAD')
      throw new AppError('not_found', `No route ${method} ${pathname}`);
    if (isPortalPath(pathname)) {
      routeOf.set(res, '/portal'); // one metrics label for every file and page of the portal
      return servePortal(req, res, pathname);
    }
    switch (pathname) {
      case '/health':
        return sendJson(res, 200, { status: 'ok' });
      case '/ready': {
        try {
          await deps.pool.query('select 1');
          return sendJson(res, 200, { status: 'ready' });
        } catch (err) {
          // Probes come every few seconds: the pool already logs the outage once.
          deps.logger.debug({ err }, 'readiness check failed');
          res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
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
      logFailure(deps, appError, err, { requestId });
      sendError(res, appError, requestId);
    }
  };
  return listener;
}

/** A running HTTP server. */
export interface RunningServer {
  url: string;
  server: http.Server;
  /**
   * Stops taking connections and closes idle keep-alive ones at once; requests in flight get `graceMs` to finish
   * (their responses say `Connection: close`), then whatever is left is cut.
   */
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
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // Once shutting down, a response ends its connection: a keep-alive client must not send more here.
    if (closing) res.shouldKeepAlive = false;
    void listener(req, res);
  });
  let closed: Promise<void> | undefined;
  // Requests Node refuses before they reach us (headers over 16 KB, a malformed request line, a timeout) get the
  // error envelope too, not Node's bare status line.
  server.on('clientError', (err, socket) => answerClientError(err, socket, deps.logger));
  return {
    url,
    server,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing = true;
        for (const res of inFlight) res.shouldKeepAlive = false;
        const grace = setTimeout(() => {
          if (inFlight.size > 0)
            deps.logger.warn({ requests: inFlight.size }, 'shutdown grace period over: cutting requests');
          server.closeAllConnections();
        }, deps.env.SHUTDOWN_GRACE_SECONDS * 1000);
        grace.unref();
        server.close((err) => {
          clearTimeout(grace);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
