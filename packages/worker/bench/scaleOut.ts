// Scale-out, proven: 2 API servers (`switchyard serve`) and 3 workers (`switchyard worker`), each its own process, on
// one PostgreSQL of its own (max_connections 100, PostgreSQL's default). 5,000 events are sent split over both
// servers; the receiver counts deliveries (lost must be 0; duplicates are reported). Then: a per-key rate limit is
// held across both servers (accepted requests per window ≤ the limit), and a webhook paused through server A gets
// nothing from an event sent next through server B.
//
// On its own: `node packages/worker/bench/scaleOut.ts [--events 5000]`; `pnpm bench worker` runs it last.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  closeServerDeps,
  createAccount,
  createApiKey,
  createLogger,
  createServerDeps,
  parseEnv,
} from '@switchyard/server';
import { ensureDatabase, migrate } from '@switchyard/server/db';
import { freePort, startEmbeddedPostgres } from '@switchyard/worker/embedded';
import pg from 'pg';

const BIN = fileURLToPath(new URL('../src/bin/switchyard.ts', import.meta.url));
const MAX_CONNECTIONS = 100;
const RATE_LIMIT = 100;
const RATE_WINDOW_SECONDS = 2;

interface Proc {
  child: ChildProcess;
  output: string;
}

function spawnCli(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: Proc = { child, output: '' };
  child.stdout?.on('data', (c: Buffer) => (p.output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (p.output += c.toString()));
  return p;
}

async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`scale-out: ${what} not met in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A receiver counting each event's `n` per path. */
async function startCounter() {
  const counts = new Map<string, Map<number, number>>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const n = (JSON.parse(body) as { data?: { n?: number } }).data?.n;
      const perPath = counts.get(req.url ?? '') ?? new Map<number, number>();
      counts.set(req.url ?? '', perPath);
      if (typeof n === 'number') perPath.set(n, (perPath.get(n) ?? 0) + 1);
      res.statusCode = 204;
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, counts: (p: string) => counts.get(p) ?? new Map(), close: () => server.close() };
}

/** Runs the scale-out scenario; returns whether it held (nothing lost, the limit kept, the pause seen). */
export async function runScaleOut(events = 5000): Promise<boolean> {
  const log = (m: string) => process.stderr.write(`scale-out: ${m}\n`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-scale-'));
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres(path.join(dir, 'data'), {
    persistent: false,
    port: await freePort(),
    maxConnections: MAX_CONNECTIONS,
  });
  const procs: Proc[] = [];
  const rx = await startCounter();
  try {
    const url = await ensureDatabase(db.url, 'switchyard');
    await migrate(url);
    const ENCRYPTION_KEY = randomBytes(32).toString('base64');
    const base = {
      NODE_ENV: 'production',
      DATABASE_URL: url,
      ENCRYPTION_KEY,
      LOG_LEVEL: 'info',
      OUTBOUND_ALLOW_HTTP: 'true',
      OUTBOUND_ALLOWLIST: '127.0.0.1',
    };
    const deps = await createServerDeps(parseEnv(base) as never, createLogger('silent', 'scale'), {
      poolSize: 2,
    });
    const { account, apiKey } = await createAccount(deps.orm.em.fork(), { name: 'Scale-out' });
    const { key: limitedKey } = await createApiKey(deps.orm.em.fork(), account.id, {
      name: 'limited',
      scopes: ['admin'],
    });
    await closeServerDeps(deps);

    // Two servers with a limit nobody reaches for the load, two more with a low one for the rate-limit check.
    const servers = [0, 1].map(() =>
      spawnCli(['serve'], { ...base, PORT: '0', RATE_LIMIT_POINTS: '1000000' }),
    );
    const limited = [0, 1].map(() =>
      spawnCli(['serve'], {
        ...base,
        PORT: '0',
        RATE_LIMIT_POINTS: String(RATE_LIMIT),
        RATE_LIMIT_WINDOW_SECONDS: String(RATE_WINDOW_SECONDS),
      }),
    );
    const workers = [0, 1, 2].map(() => spawnCli(['worker'], base));
    procs.push(...servers, ...limited, ...workers);
    const urlOf = (p: Proc) =>
      until(() => p.output.match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/)?.[1], 30_000, 'a server listening');
    const [a, b] = (await Promise.all(servers.map(urlOf))) as [string, string];
    const [c, d] = (await Promise.all(limited.map(urlOf))) as [string, string];
    await Promise.all(
      workers.map((w) =>
        until(() => (w.output.includes('worker running') ? true : undefined), 30_000, 'a worker'),
      ),
    );
    const api = async (base: string, method: string, p: string, body?: unknown, key = apiKey) => {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: res.status,
        headers: res.headers,
        body: (await res.json()) as { data: { webhook: { id: string } } },
      };
    };
    const hook = await api(a, 'POST', '/v1/webhooks', { url: `${rx.url}/hook`, events: ['deal.won'] });
    if (hook.status !== 201) throw new Error(`webhook: ${hook.status}`);

    // Connections in use, sampled while the load runs.
    const sampler = new pg.Pool({ connectionString: url, max: 1 });
    let peak = 0;
    let sampling = true;
    const sample = (async () => {
      while (sampling) {
        const { rows } = await sampler.query<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity',
        );
        peak = Math.max(peak, rows[0]?.n ?? 0);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    log(`sending ${events} events over 2 servers`);
    const acked = new Set<number>();
    const statuses = new Map<number, number>();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < events) {
          const n = next++;
          const res = await api(n % 2 === 0 ? a : b, 'POST', '/v1/events', {
            type: 'deal.won',
            data: { id: `d${n}`, n },
          });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 202) acked.add(n);
        }
      }),
    );
    const sentIn = (performance.now() - started) / 1000;
    await until(
      () => ([...acked].every((n) => rx.counts('/hook').has(n)) ? true : undefined),
      120_000,
      'every acknowledged event delivered',
    ).catch(() => undefined);
    const deliveredIn = (performance.now() - started) / 1000;
    sampling = false;
    await sample;
    await sampler.end();
    const seen = rx.counts('/hook');
    const lost = [...acked].filter((n) => !seen.has(n)).length;
    const duplicates = [...seen.values()].filter((k) => k > 1).length;

    // The rate limit, over both limited servers: accepted requests per window (by X-RateLimit-Reset).
    log('rate limit across servers');
    const perWindow = new Map<string, number>();
    let limitedCount = 0;
    const until429 = Date.now() + RATE_WINDOW_SECONDS * 3 * 1000;
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        while (Date.now() < until429) {
          const res = await api(i % 2 === 0 ? c : d, 'GET', '/v1/account', undefined, limitedKey);
          if (res.status === 200) {
            const w = res.headers.get('x-ratelimit-reset') ?? '?';
            perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
          } else if (res.status === 429) limitedCount++;
        }
      }),
    );
    const maxPerWindow = Math.max(...perWindow.values());

    // A webhook paused through A gets nothing from an event sent next through B.
    log('pause through A, send through B');
    const paused = await api(a, 'POST', '/v1/webhooks', { url: `${rx.url}/paused`, events: ['deal.lost'] });
    if (paused.status !== 201) throw new Error(`webhook: ${paused.status} ${JSON.stringify(paused.body)}`);
    await api(b, 'POST', '/v1/events', { type: 'deal.lost', data: { id: 'before', n: -1 } });
    await until(
      () => (rx.counts('/paused').size > 0 ? true : undefined),
      20_000,
      'the webhook delivering before the pause',
    );
    const pause = await api(a, 'PATCH', `/v1/webhooks/${paused.body.data.webhook.id}`, { active: false });
    if (pause.status !== 200)
      throw new Error(`pausing through A: ${pause.status} ${JSON.stringify(pause.body)}`);
    await api(b, 'POST', '/v1/events', { type: 'deal.lost', data: { id: 'after', n: -2 } });
    await new Promise((r) => setTimeout(r, 3_000));
    const leaked = rx.counts('/paused').has(-2);

    const ok = lost === 0 && maxPerWindow <= RATE_LIMIT && !leaked;
    console.log('');
    console.log(
      `scale-out: 2 API servers + 3 workers (concurrency 10 each) on one PostgreSQL (max_connections ${MAX_CONNECTIONS})`,
    );
    console.log('');
    console.log('| check | result |');
    console.log('| --- | --- |');
    console.log(
      `| events sent / acknowledged | ${events} / ${acked.size} (answers ${JSON.stringify(Object.fromEntries(statuses))}) |`,
    );
    console.log(`| delivered / lost / duplicates | ${seen.size} / ${lost} / ${duplicates} |`);
    console.log(
      `| acknowledged in / all delivered in | ${sentIn.toFixed(1)} s (${(acked.size / sentIn).toFixed(0)}/s) / ${deliveredIn.toFixed(1)} s |`,
    );
    console.log(`| peak connections in use | ${peak} of ${MAX_CONNECTIONS} |`);
    console.log(
      `| rate limit ${RATE_LIMIT} per ${RATE_WINDOW_SECONDS} s, one key over 2 servers | at most ${maxPerWindow} accepted in a window (${perWindow.size} windows), ${limitedCount} answered 429 |`,
    );
    console.log(
      `| paused through A, event sent through B | ${leaked ? 'DELIVERED (wrong)' : 'nothing delivered'} |`,
    );
    console.log('');
    return ok;
  } finally {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all(
      procs.map((p) => (p.child.exitCode === null ? new Promise((r) => p.child.once('exit', r)) : undefined)),
    );
    rx.close();
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '5000' } } });
  const ok = await runScaleOut(Number(values.events));
  process.exitCode = ok ? 0 : 1;
}
