// A quick look at where a single-event row spends its time (not part of `pnpm bench`): ingestion alone (every POST
// answered) against ingestion + delivery (every webhook received), for POST /v1/events and the SDK.
// `node bench/probe.ts [events] [callers]` from packages/worker.
import { readFileSync } from 'node:fs';
import { benchPostgres, dropBenchDatabases, freshDatabase, percentile, pool } from '@switchyard/server/bench';
import { startEmbeddedPostgres } from '@switchyard/worker/embedded';
import { paced, startReceiver } from './harness.ts';
import { startPipeline } from './pipeline.ts';

const n = Number(process.argv[2] ?? 2000);
const clients = Number(process.argv[3] ?? 32);
const pg = await benchPostgres(startEmbeddedPostgres);
const receiver = await startReceiver();
const db = await freshDatabase(pg.serverUrl, 'probe');
const p = await startPipeline(db.url, receiver, 10);
// CPU seconds a process used so far (utime + stime from /proc, in clock ticks of 10 ms).
const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) * 10;
};
const [server, worker] = p.processes;
if (!server || !worker) throw new Error('the pipeline runs a server and a worker process');
const event = (seq: number) => ({ type: 'deal.updated', data: { id: `d${seq % 500}`, seq, status: 'open' } });
try {
  for (let round = 0; round < Number(process.env.PROBE_ROUNDS ?? 3); round++) {
    receiver.reset();
    const c0 = [cpuMs(server.pid), cpuMs(worker.pid)];
    const t0 = performance.now();
    await pool(n, clients, async (i) => {
      receiver.sentAt.set(i, performance.now());
      await p.post('/v1/events', event(i));
    });
    const posted = performance.now();
    await receiver.waitFor(n);
    const done = performance.now();
    const c1 = [cpuMs(server.pid), cpuMs(worker.pid)];
    console.log(
      `round ${round}: ingest ${(n / ((posted - t0) / 1000)).toFixed(0)}/s, end to end ${(n / ((done - t0) / 1000)).toFixed(0)}/s, drain after last POST ${(done - posted).toFixed(0)} ms; CPU ms/event serve ${(((c1[0] ?? 0) - (c0[0] ?? 0)) / n).toFixed(2)} worker ${(((c1[1] ?? 0) - (c0[1] ?? 0)) / n).toFixed(2)}`,
    );
  }
  // Paced at 100/s: how long the POST takes against how long until the receiver has it.
  for (let run = 0; run < 2; run++) {
    receiver.reset();
    const answered: number[] = [];
    await paced(500, 10, async (i) => {
      const t = performance.now();
      receiver.sentAt.set(i, t);
      await p.post('/v1/events', event(i));
      answered.push(performance.now() - t);
    });
    await receiver.waitFor(500);
    const e2e = [...receiver.latencies.values()];
    const q = (v: number[], x: number) => percentile(v, x).toFixed(1);
    console.log(
      `paced 100/s: POST answered p50 ${q(answered, 50)} p99 ${q(answered, 99)} ms; received p50 ${q(e2e, 50)} p99 ${q(e2e, 99)} ms`,
    );
  }
} finally {
  await p.stop();
  await receiver.close?.();
  await dropBenchDatabases(pg.serverUrl);
  await pg.stop();
}
process.exit(0);
