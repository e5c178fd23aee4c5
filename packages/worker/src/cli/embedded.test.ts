import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitUntil } from '@switchyard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, spawnCli } from '../faultHarness.ts';

// `switchyard start` on its embedded PostgreSQL (no DATABASE_URL), as a newcomer runs it: the other commands work
// beside it, and a start killed with kill -9 leaves a PostgreSQL that the next start recovers.
let dir: string;
const running: CliProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-cli-'));
  // As root, the embedded PostgreSQL runs as the postgres user, which must reach DATA_DIR.
  await chmod(dir, 0o755);
});
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  const lock = path.join(dir, 'data/postgres/postmaster.pid');
  if (existsSync(lock)) {
    try {
      process.kill(Number(readFileSync(lock, 'utf8').split('\n')[0]), 'SIGQUIT');
    } catch {}
  }
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  DATA_DIR: path.join(dir, 'data'),
  LOG_LEVEL: 'info',
  PORT: '0',
  NODE_ENV: 'development',
});

function cli(args: string[], extra: Record<string, string> = {}): CliProcess {
  const p = spawnCli(args, { ...env(), ...extra });
  running.push(p);
  return p;
}

async function started(p: CliProcess): Promise<string> {
  const url = await waitUntil(() => p.output().match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/)?.[1], 60_000);
  await waitUntil(() => (p.output().includes('worker running') ? true : undefined), 60_000);
  return url;
}

const postgresPid = () =>
  Number(readFileSync(path.join(dir, 'data/postgres/postmaster.pid'), 'utf8').split('\n')[0]);
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
const KEY = /\b(s[ky]_[A-Za-z0-9_-]{20,})\b/;

describe('the CLI beside `switchyard start` on the embedded database', () => {
  it('keys create and migrate use the running embedded PostgreSQL; the key works', async () => {
    const start = cli(['start']);
    const url = await started(start);
    const created = cli(['keys', 'create', '--name', 'reader', '--scopes', 'users:read']);
    expect(await created.exited, created.output()).toBe(0);
    const key = created.output().match(KEY)?.[1] as string;
    expect(key).toBeTruthy();
    const users = await fetch(`${url}/v1/users`, { headers: { authorization: `Bearer ${key}` } });
    expect(users.status).toBe(200);
    const migrated = cli(['migrate']);
    expect(await migrated.exited, migrated.output()).toBe(0);
    expect(migrated.output()).toContain('database is up to date');
    // A second start on the same DATA_DIR uses the same database, and leaves it running when it stops.
    const second = cli(['start']);
    const url2 = await started(second);
    expect(second.output()).toContain('using the embedded PostgreSQL another switchyard process runs');
    expect((await fetch(`${url2}/v1/users`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(
      200,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    start.child.kill('SIGTERM');
    expect(await start.exited, start.output()).toBe(0);
    expect(existsSync(path.join(dir, 'data/postgres/postmaster.pid'))).toBe(false);
  }, 120_000);

  it('a start killed with kill -9 leaves its PostgreSQL running; the next start stops it and starts again, saying so', async () => {
    const crashed = cli(['start']);
    await started(crashed);
    const orphan = postgresPid();
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(orphan)).toBe(true);

    const next = cli(['start']);
    const url = await started(next);
    const said = next
      .output()
      .split('\n')
      .filter((l) => l.includes('found the embedded PostgreSQL'));
    expect(said).toHaveLength(1);
    expect(alive(orphan)).toBe(false);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    const fresh = postgresPid();
    next.child.kill('SIGTERM');
    expect(await next.exited, next.output()).toBe(0);
    expect(alive(fresh)).toBe(false);
  }, 120_000);

  it('failures say what went wrong and what to do, never undefined', async () => {
    const unreachable = cli(['migrate'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' });
    expect(await unreachable.exited).toBe(1);
    expect(unreachable.output()).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(unreachable.output()).toContain('What to do:');
    const badScope = cli(['keys', 'create', '--scopes', 'nope']);
    expect(await badScope.exited).toBe(1);
    expect(badScope.output()).toContain('Unknown scope(s): nope');
    const badEnv = cli(['migrate'], { PORT: 'eighty' });
    expect(await badEnv.exited).toBe(1);
    expect(badEnv.output()).toContain('PORT');
    for (const p of [unreachable, badScope, badEnv]) expect(p.output()).not.toContain('undefined');
  }, 60_000);
});
