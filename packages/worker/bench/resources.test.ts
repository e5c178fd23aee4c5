// The bench's meters, checked against figures known another way: a process's own account of its CPU and memory,
// and a known number of transactions. Not a speed test: nothing here is timed against a goal.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createTestDatabase, type TestDatabase } from '@switchyard/server/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postgresMonitor, processCpuMs, rssMb, startCpuMeter } from './resources.ts';
import { countTransactions } from './transactions.ts';

const linux = process.platform === 'linux';

// Spins until it has used 300 ms of CPU, holds 64 MB, prints its own figures, then idles until killed.
const CHILD = `
  const keep = Buffer.alloc(64 * 1024 * 1024, 1);
  const used = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  while (used() < 300) {}
  console.log(JSON.stringify({ cpuMs: used(), rssMb: process.memoryUsage().rss / 1048576, n: keep.length }));
  setInterval(() => {}, 1000);
`;

describe.skipIf(!linux)('process meters', () => {
  it('read the CPU time and RSS a process reports of itself', async () => {
    const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const own = JSON.parse(line.toString()) as { cpuMs: number; rssMb: number };
      const cpu = processCpuMs(child.pid as number);
      const rss = rssMb(child.pid as number);
      // /proc counts in 10 ms ticks and the child runs a little after it measured itself.
      expect(cpu).toBeGreaterThanOrEqual(own.cpuMs - 20);
      expect(cpu).toBeLessThan(own.cpuMs + 150);
      expect(rss).toBeGreaterThan(64);
      expect(Math.abs((rss as number) - own.rssMb)).toBeLessThan(own.rssMb * 0.1);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('answer null for a process that is gone', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    await once(child, 'exit');
    expect(processCpuMs(child.pid as number)).toBeNull();
    expect(rssMb(child.pid as number)).toBeNull();
  });
});

describe('PostgreSQL meters', () => {
  let db: TestDatabase;
  let name: string;
  let monitor: ReturnType<typeof postgresMonitor>;
  beforeAll(async () => {
    db = await createTestDatabase();
    name = new URL(db.url).pathname.slice(1);
    monitor = postgresMonitor(inject('pgServerUrl'));
  });
  afterAll(async () => {
    await monitor.end();
    await db.drop();
  });

  /** Runs `count` one-statement transactions on a connection of its own, then closes it. */
  async function transactions(count: number): Promise<void> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    for (let i = 0; i < count; i++) await client.query('select 1');
    // A backend that exits reports its counts at once (an idle one may wait 10 s).
    await client.end();
  }

  it('counts every transaction of the database and none of its own reads', async () => {
    const before = await monitor.transactions(name);
    await transactions(200);
    let after = before;
    for (let i = 0; i < 50 && after < before + 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await monitor.transactions(name);
    }
    // A new session may run one transaction of its own while it starts; the monitor's reads count elsewhere.
    expect(after - before).toBeGreaterThanOrEqual(200);
    expect(after - before).toBeLessThanOrEqual(201);
  });

  it('gives transactions per event, less what the idle database runs', async () => {
    const result = await countTransactions(
      monitor,
      [[{ key: 'single', db: name, run: (n) => transactions(3 * n).then(() => n) }]],
      100,
      () => {},
      500,
    );
    expect(result.get('single')).toBeGreaterThanOrEqual(3);
    expect(result.get('single')).toBeLessThanOrEqual(3.02);
  });

  it.skipIf(!linux)('finds the backends of a database and the CPU they use', async () => {
    if (!(await monitor.local())) return; // PostgreSQL elsewhere: its backends are not in this /proc
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      expect(await monitor.backends(name)).toContain(rows[0]?.pid);
      const meter = await startCpuMeter(monitor, name, []);
      const t0 = performance.now();
      await client.query('select count(*) from generate_series(1, 3000000)');
      const wall = performance.now() - t0;
      const used = await meter();
      expect(used.postgresMs).toBeGreaterThan(0);
      expect(used.postgresMs).toBeLessThanOrEqual(wall + 20);
      expect(used.processMs).toBeNull();
    } finally {
      await client.end();
    }
  });
});
