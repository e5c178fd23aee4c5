import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase, waitUntil } from '@switchyard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../bin/switchyard.ts');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** Runs the real CLI as a child process and collects its output. */
function cli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => out, err: () => err };
}

/** A CLI process takes its time to migrate and start: a longer wait than the default. */
const waitFor = <T>(probe: () => T | undefined) => waitUntil(probe, 20_000);

describe('switchyard CLI', () => {
  let running: ChildProcess | undefined;
  afterAll(() => running?.kill('SIGKILL'));

  it('start: migrates, prints the default account key once, serves the API and stops cleanly on SIGTERM', async () => {
    const first = cli(['start']);
    running = first.child;
    const key = await waitFor(() => first.out().match(/live {2}secret {7}(sk_live_[A-Za-z0-9_-]{20,})/)?.[1]);
    // Both environments, each with a secret and a publishable key.
    const testKey = first.out().match(/test {2}secret {7}(sk_test_[A-Za-z0-9_-]{20,})/)?.[1];
    expect(first.out()).toMatch(/live {2}publishable {2}pk_live_[A-Za-z0-9_-]{20,}/);
    expect(first.out()).toMatch(/test {2}publishable {2}pk_test_[A-Za-z0-9_-]{20,}/);
    const url = await waitFor(() => first.out().match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/)?.[1]);
    await waitFor(() => (first.out().includes('worker running') ? true : undefined));
    // A ready portal link for the default user: its code opens a session once.
    const link = first.out().match(/(http:\/\/127\.0\.0\.1:\d+\/portal\/#code=[\w-]+)/)?.[1] ?? '';
    expect(link.startsWith(`${url}/portal/`)).toBe(true);
    const opened = await fetch(`${url}/v1/portal/sessions/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: new URL(link).hash.slice('#code='.length) }),
    });
    expect(opened.status).toBe(200);

    const users = await fetch(`${url}/v1/users`, { headers: { authorization: `Bearer ${key}` } });
    expect(users.status).toBe(200);
    expect(((await users.json()) as { data: { key: string }[] }).data.map((u) => u.key)).toEqual(['main']);
    const live = await fetch(`${url}/v1/account`, { headers: { authorization: `Bearer ${key}` } });
    const test = await fetch(`${url}/v1/account`, { headers: { authorization: `Bearer ${testKey}` } });
    const [liveAccount, testAccount] = [(await live.json()).data, (await test.json()).data];
    expect([liveAccount.environment, testAccount.environment]).toEqual(['live', 'test']);
    expect(testAccount.organisation_id).toBe(liveAccount.organisation_id);
    expect(testAccount.id).not.toBe(liveAccount.id);

    // The worker is a second process, started by `start`.
    const workerPid = Number(first.out().match(/"workerPid":(\d+)/)?.[1]);
    expect(workerPid).toBeGreaterThan(0);
    expect(workerPid).not.toBe(first.child.pid);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const out = first.out();
    expect(out).toContain('shutting down');
    // Stopped in order: no new requests, then the worker finishes its jobs, then the database goes.
    const order = ['server stopped', 'worker stopped', 'database stopped'].map((m) => out.indexOf(m));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(() => process.kill(workerPid, 0)).toThrow();

    // A start killed outright takes its worker with it: the worker stops itself when its parent is gone.
    const killed = cli(['start']);
    running = killed.child;
    await waitFor(() => (killed.out().includes('worker running') ? true : undefined));
    const orphan = Number(killed.out().match(/"workerPid":(\d+)/)?.[1]);
    killed.child.kill('SIGKILL');
    await killed.exited;
    await waitFor(() => {
      try {
        process.kill(orphan, 0);
        return undefined;
      } catch {
        return true;
      }
    });

    // A second start reuses the account: no new key is printed.
    const second = cli(['start']);
    running = second.child;
    await waitFor(() => (second.out().includes('worker running') ? true : undefined));
    expect(second.out()).not.toMatch(/\b[sp]k_(live|test)_[A-Za-z0-9_-]{20,}/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    running = undefined;

    // keys create: a scoped key that works for reading users and nothing else.
    const created = cli(['keys', 'create', '--name', 'reader', '--scopes', 'users:read']);
    expect(await created.exited).toBe(0);
    expect(created.out().trim()).toMatch(/^sk_live_[A-Za-z0-9_-]{20,}$/);

    const bad = cli(['keys', 'create', '--scopes', 'nope']);
    expect(await bad.exited).toBe(1);
    expect(bad.err()).toContain('Unknown scope(s): nope');
  }, 60_000);
});
