import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  closeServerDeps,
  createAccount,
  createLogger,
  createServerDeps,
  type Env,
  listen,
  parseEnv,
  type RunningServer,
  type ServerDeps,
} from '@switchyard/server';
import {
  late,
  type Receiver,
  startReceiver,
  startTestServer,
  type TestServer,
  waitUntil,
} from '@switchyard/server/testing';
import pgLib, { type Pool } from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { type OwnPostgres, startOwnPostgres } from './testSupport.ts';

// What the fault tests share: real `switchyard` processes and an API server on a PostgreSQL of the test's own,
// a real receiver, and a load of events whose acknowledged ones must all arrive.

const BIN = path.resolve(import.meta.dirname, 'bin/switchyard.ts');

/** Settings every process of a fault test gets: short intervals, so a fault is ridden out in seconds. */
export function faultSettings(databaseUrl: string, encryptionKey: string): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: encryptionKey,
    LOG_LEVEL: 'warn',
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    RATE_LIMIT_POINTS: '1000000',
    WORKER_HEARTBEAT_SECONDS: '0.5',
    WORKER_DEAD_AFTER_SECONDS: '2',
    // Shorter than the outages the tests make: checkouts fail, runners stop and are started again.
    WORKER_DATABASE_WAIT_SECONDS: '3',
    WEBHOOK_RETRY_SCHEDULE: '0,200ms,500ms,1s,1s,1s,1s,1s,1s,1s',
  };
}

/** A `switchyard` command as a child process, its output kept. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function spawnCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** `switchyard worker` processes a test starts (each with `env()` then) and kills, their output kept. */
export interface WorkerFleet {
  spawn(): CliProcess;
  /** Every worker's output so far, each line tagged with its worker. */
  log(): string;
  /** Kills every worker still running (SIGKILL). */
  killAll(): void;
  /** Waits for `check`; a miss names `what` and ends with the workers' log. */
  until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<true>;
  /** Starts one more worker, waits for `check` as {@link until} does, then stops that worker (SIGTERM) for good. */
  finishWithOneMore(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void>;
}

export function workerFleet(env: () => Record<string, string>): WorkerFleet {
  const workers: CliProcess[] = [];
  const log = () =>
    workers
      .flatMap((w, i) =>
        w
          .output()
          .split('\n')
          .filter(Boolean)
          .map((line) => `worker ${i + 1}: ${line}`),
      )
      .join('\n');
  const until: WorkerFleet['until'] = (what, check, timeoutMs) =>
    waitUntil(check, timeoutMs, () => `${what}\n${log().slice(-4000)}`);
  const spawnWorker = () => {
    const worker = spawnCli(['worker'], env());
    workers.push(worker);
    return worker;
  };
  return {
    spawn: spawnWorker,
    log,
    killAll() {
      for (const { child } of workers)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    until,
    async finishWithOneMore(what, check, timeoutMs) {
      const worker = spawnWorker();
      await until(what, check, timeoutMs);
      worker.child.kill('SIGTERM');
      await worker.exited;
    },
  };
}

/** Waits until every one of `processes` has said `worker running`. */
export async function workersRunning(processes: CliProcess[], timeoutMs: number): Promise<void> {
  await Promise.all(
    processes.map((p) =>
      waitUntil(() => (p.output().includes('worker running') ? true : undefined), timeoutMs),
    ),
  );
}

/** Waits until no graphile-worker job is locked: none is left behind by a runner that stopped. */
export async function noJobLocked(pool: Pool, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    async () => {
      const { rows } = await pool.query<{ n: number }>(
        'select count(*)::int as n from graphile_worker.jobs where locked_at is not null',
      );
      return rows[0]?.n === 0 ? true : undefined;
    },
    timeoutMs,
    'no job locked',
  );
}

/** An API server in this process on `databaseUrl`, with an account. */
export interface OwnServer {
  url: string;
  apiKey: string;
  deps: ServerDeps;
  server: RunningServer;
  /** Closes the server and its deps; a second call waits for the first. */
  close(): Promise<void>;
}

export async function startOwnServer(settings: Record<string, string>): Promise<OwnServer> {
  const env = parseEnv(settings) as Env & { DATABASE_URL: string };
  const deps = await createServerDeps(env, createLogger('silent', 'test'));
  const { apiKey } = await createAccount(deps.orm.em.fork(), { name: 'Fault test' });
  const server = await listen(deps, '127.0.0.1', 0);
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    apiKey,
    deps,
    server,
    close() {
      closing ??= server.close().then(() => closeServerDeps(deps));
      return closing;
    },
  };
}

/** A receiver that records the `n` of every event delivered to it (each delivery's body is `{type, data}`). */
export async function startCountingReceiver(): Promise<
  Receiver & { seen(path?: string): Map<number, number> }
> {
  const rx = await startReceiver(() => ({ status: 204 }));
  return Object.assign(rx, {
    /** How many times each `n` arrived (at `path` only, when given). */
    seen(path?: string) {
      const counts = new Map<number, number>();
      for (const r of rx.requests) {
        if (path && r.path !== path) continue;
        const n = (JSON.parse(r.body) as { data?: { n?: number } }).data?.n;
        if (typeof n === 'number') counts.set(n, (counts.get(n) ?? 0) + 1);
      }
      return counts;
    },
  });
}

/** A receiver that counts the events delivered to it: see {@link startCountingReceiver}. */
export type CountingReceiver = Awaited<ReturnType<typeof startCountingReceiver>>;

/** Subscribes the receiver to `deal.won` through the API at `url`. */
export async function subscribe(url: string, apiKey: string, target: string): Promise<string> {
  const res = await fetch(`${url}/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: target, events: ['deal.won'] }),
  });
  const body = (await res.json()) as { data: { webhook: { id: string } } };
  if (res.status !== 201) throw new Error(`webhook not created: ${res.status} ${JSON.stringify(body)}`);
  return body.data.webhook.id;
}

/** Events sent and what the API answered: an acknowledged (202) one must be delivered. */
export interface Load {
  acked: Set<number>;
  statuses: Map<number, number>;
  /** The first 503 seen: its code and Retry-After. */
  unavailable?: { code: string; retryAfter: string | null };
  stop(): Promise<void>;
}

/** Sends `deal.won` events with increasing `n` to the APIs at `urls` (round robin), `parallel` at a time. */
export function startLoad(urls: string[], apiKey: string, parallel = 4): Load {
  let next = 0;
  let running = true;
  const load: Load = { acked: new Set(), statuses: new Map(), stop: async () => {} };
  const loop = async () => {
    while (running) {
      const n = next++;
      const url = urls[n % urls.length] as string;
      try {
        const res = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'deal.won', data: { id: `d${n}`, n } }),
        });
        const text = await res.text();
        load.statuses.set(res.status, (load.statuses.get(res.status) ?? 0) + 1);
        if (res.status === 202) load.acked.add(n);
        if (res.status === 503 && !load.unavailable) {
          const code = (JSON.parse(text) as { error: { code: string } }).error.code;
          load.unavailable = { code, retryAfter: res.headers.get('retry-after') };
        }
        if (res.status !== 202) await new Promise((r) => setTimeout(r, 50));
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const loops = Array.from({ length: parallel }, loop);
  load.stop = async () => {
    running = false;
    await Promise.all(loops);
  };
  return load;
}

/** A fresh key to seal secrets with, shared by the processes of one test. */
export const newEncryptionKey = () => randomBytes(32).toString('base64');

/** What {@link faultRigForFile} starts: a PostgreSQL of the file's own, a counting receiver, the CLI processes. */
export interface FaultRig {
  pg: OwnPostgres;
  rx: CountingReceiver;
  /** The key every process of the file seals secrets with. */
  encryptionKey: string;
  /** {@link faultSettings} on the file's PostgreSQL and key, `extra` over them. */
  settings(extra?: Record<string, string>): Record<string, string>;
  /** Starts a `switchyard` command ({@link spawnCli}) that is killed (SIGKILL) after the file's tests if still up. */
  spawn(args: string[], env: Record<string, string>): CliProcess;
  /** An API server in this process ({@link startOwnServer}), closed after the file's tests before the PostgreSQL. */
  startServer(settings: Record<string, string>): Promise<OwnServer>;
  /**
   * Waits until every acknowledged event has arrived at `path` of the receiver. A miss names the events missing and
   * what graphile_worker.jobs holds.
   */
  allArrived(acked: Set<number>, path: string, timeoutMs: number): Promise<void>;
}

/**
 * Before the file's tests, a PostgreSQL of its own (with `maxConnections`, when given) and a counting receiver;
 * after them, the processes it spawned killed, the servers it started closed, and both closed. Call it at the top
 * of the file.
 */
export function faultRigForFile(opts: { maxConnections?: number } = {}): FaultRig {
  let running: { pg: OwnPostgres; rx: CountingReceiver } | undefined;
  const encryptionKey = newEncryptionKey();
  const processes: CliProcess[] = [];
  const servers: OwnServer[] = [];
  beforeAll(async () => {
    const [pg, rx] = await Promise.all([startOwnPostgres(opts), startCountingReceiver()]);
    running = { pg, rx };
  });
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.close()));
    await running?.rx.close();
    await running?.pg.close();
  });
  const pg = late(() => running?.pg, 'the PostgreSQL of this file');
  const rx = late(() => running?.rx, 'the counting receiver');
  return {
    pg,
    rx,
    encryptionKey,
    settings: (extra = {}) => ({ ...faultSettings(pg.url, encryptionKey), ...extra }),
    spawn(args, env) {
      const p = spawnCli(args, env);
      processes.push(p);
      return p;
    },
    async startServer(settings) {
      const server = await startOwnServer(settings);
      servers.push(server);
      return server;
    },
    async allArrived(acked, path, timeoutMs) {
      try {
        await waitUntil(
          () => {
            const seen = rx.seen(path);
            return [...acked].every((n) => seen.has(n)) ? true : undefined;
          },
          timeoutMs,
          'every acknowledged event delivered',
        );
      } catch (err) {
        const seen = rx.seen(path);
        const missing = [...acked].filter((n) => !seen.has(n));
        const db = new pgLib.Client({ connectionString: pg.url });
        await db.connect();
        const { rows } = await db.query(
          `select task_identifier, attempts, max_attempts, run_at, locked_by, left(last_error, 200) as last_error
             from graphile_worker.jobs order by run_at limit 20`,
        );
        await db.end();
        throw new Error(
          `${(err as Error).message}: ${missing.length} missing (${missing.slice(0, 20).join(', ')}); jobs: ${JSON.stringify(rows)}`,
        );
      }
    },
  };
}

/** What {@link crashRigForFile} starts: a test server of the file's own and the `switchyard worker` processes on it. */
export interface CrashRig {
  srv: TestServer;
  /** Workers with {@link faultSettings} on the server's database and key, the file's own settings over them. */
  workers: WorkerFleet;
  /** Runs `query` on the server's database. */
  sql<T>(query: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Before the file's tests, a test server (with `server` settings over the test defaults) and a fresh encryption key
 * that it and every worker share, whatever their working directory; after them, the workers killed and the server
 * closed. Call it at the top of the file.
 */
export function crashRigForFile(opts: {
  server?: Record<string, string>;
  worker: Record<string, string>;
}): CrashRig {
  const encryptionKey = newEncryptionKey();
  let started: TestServer | undefined;
  const srv = late(() => started, 'the test server');
  const workers = workerFleet(() => ({ ...faultSettings(srv.db.url, encryptionKey), ...opts.worker }));
  beforeAll(async () => {
    started = await startTestServer({ ENCRYPTION_KEY: encryptionKey, ...opts.server });
  });
  afterAll(async () => {
    workers.killAll();
    await started?.close();
  });
  return {
    srv,
    workers,
    sql: <T>(query: string, params: unknown[] = []) => srv.deps.orm.em.fork().execute<T[]>(query, params),
  };
}
