import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/service.ts';
import { listen } from '../app.ts';
import type { ServerDeps } from '../deps.ts';
import { type Env, parseEnv } from '../env.ts';
import { createLogger } from '../logger.ts';
import { closeServerDeps, createServerDeps } from '../server.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { waitUntil } from '../testing/index.ts';

// Graceful shutdown as a client sees it, over raw sockets: an idle keep-alive connection is closed at once, a request
// in flight finishes (its response says Connection: close), and one still unfinished after SHUTDOWN_GRACE_SECONDS is cut.
let db: TestDatabase;
let deps: ServerDeps;
let apiKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const env = parseEnv({ NODE_ENV: 'test', DATABASE_URL: db.url, SHUTDOWN_GRACE_SECONDS: '1' });
  deps = await createServerDeps(env as Env & { DATABASE_URL: string }, createLogger('silent', 'test'));
  ({ apiKey } = await createAccount(deps.orm.em.fork(), { name: 'Shutdown' }));
});
afterAll(async () => {
  await closeServerDeps(deps);
  await db?.drop();
});

/** A raw connection: what it received, and when it was closed. */
function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  const state = { data: '', closedAt: 0, socket };
  socket.on('data', (c: Buffer) => (state.data += c.toString()));
  socket.on('close', () => (state.closedAt = Date.now()));
  socket.on('error', () => {});
  return state;
}

const until = (check: () => boolean, ms = 5_000) => waitUntil(check, ms, 'socket state', 10);

const EVENT = JSON.stringify({ type: 'deal.won', data: { id: 'd1' } });
const head = (length: number) =>
  `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('graceful shutdown', () => {
  it('closes an idle keep-alive connection at once and lets a request in flight finish', async () => {
    const server = await listen(deps, '127.0.0.1', 0);
    const port = Number(new URL(server.url).port);
    const idle = connect(port);
    idle.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => idle.data.includes('"ok"'));

    // A request whose body is still coming when the shutdown starts.
    const busy = connect(port);
    busy.socket.write(head(EVENT.length) + EVENT.slice(0, 10));
    await new Promise((r) => setTimeout(r, 100));
    const closed = server.close();
    // Closed while the other request is still waiting for its body, not when the grace period ends.
    await until(() => idle.closedAt > 0, 1_000);

    await new Promise((r) => setTimeout(r, 300));
    expect(busy.closedAt).toBe(0);
    busy.socket.write(EVENT.slice(10));
    await until(() => busy.data.includes('\r\n\r\n'));
    expect(busy.data).toMatch(/^HTTP\/1\.1 202/);
    expect(busy.data.toLowerCase()).toContain('connection: close');
    await closed;
    await until(() => busy.closedAt > 0);
  });

  it('cuts a request still unfinished when the grace period is over', async () => {
    const server = await listen(deps, '127.0.0.1', 0);
    const stuck = connect(Number(new URL(server.url).port));
    stuck.socket.write(head(EVENT.length) + EVENT.slice(0, 5));
    await new Promise((r) => setTimeout(r, 100));
    const shutdownAt = Date.now();
    await server.close();
    const took = Date.now() - shutdownAt;
    // It waited for the grace period (1 s), then cut the request rather than wait for its body.
    expect(took).toBeGreaterThanOrEqual(900);
    await until(() => stuck.closedAt > 0);
    expect(stuck.data).toBe('');
  });
});
