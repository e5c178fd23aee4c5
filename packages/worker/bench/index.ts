// Events → delivered webhooks, against raw graphile-worker on the same Postgres, in one process.
// `node bench/index.ts [--rounds 3] [--events 1000]` from packages/worker, or `pnpm bench worker` from the root.
import { parseArgs } from 'node:util';
import { startBaseline } from './baseline.ts';
import { startExecutionsBench } from './executions.ts';
import { benchPostgres, freshDatabase, median, percentile, startReceiver } from './harness.ts';
import { startPipeline } from './pipeline.ts';
import { runScaleOut } from './scaleOut.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    events: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '10' },
    'scale-out-events': { type: 'string', default: '5000' },
  },
});
const rounds = Number(values.rounds);
const n = Number(values.events);
const rate = Number(values.rate);
const concurrency = Number(values.concurrency);
const clients = 32;

const pg = await benchPostgres();
const receiver = await startReceiver();
const fmt = (x: number) => x.toFixed(x >= 100 ? 0 : 1);

try {
  const baseDb = await freshDatabase(pg.serverUrl, 'sy_bench_baseline');
  const ourDb = await freshDatabase(pg.serverUrl, 'sy_bench_pipeline');
  const baseline = await startBaseline(baseDb, receiver, concurrency);
  const pipeline = await startPipeline(ourDb, receiver, concurrency);

  const progress = (m: string) => process.stderr.write(`bench: ${m}\n`);
  progress('warming up');
  // Warm up both (JIT, connections, prepared statements) before measuring.
  await baseline.throughput(200, clients);
  await pipeline.throughput(200, clients);
  const executions = await startExecutionsBench(pipeline.post, receiver);
  await executions.throughput(200, clients);

  const base: number[] = [];
  const single: number[] = [];
  const sdk: number[] = [];
  const batch: number[] = [];
  const singleTwo: number[] = [];
  const execs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    progress(`round ${r + 1} of ${rounds}`);
    // Interleaved, so that the machine's noise hits all three alike.
    base.push(await baseline.throughput(n, clients));
    single.push(await pipeline.throughput(n, clients));
    sdk.push(await pipeline.throughput(n, clients, { idempotencyKey: true }));
    batch.push(await pipeline.batchThroughput(n, 100, 4));
    execs.push(await executions.throughput(n, clients));
  }
  const baseLat = await baseline.latency(rate * 5, rate);
  const ourLat = await pipeline.latency(rate * 5, rate);
  await pipeline.stop();

  // As deployed: the same pipeline with the worker in its own process (`pnpm start` runs the server and a worker
  // so), against the baseline again, interleaved. After the first, so that the machine's connection limit holds.
  const twoDb = await freshDatabase(pg.serverUrl, 'sy_bench_pipeline_2p');
  const twoProcess = await startPipeline(twoDb, receiver, concurrency, { workerProcess: true });
  await twoProcess.throughput(200, clients);
  const baseTwo: number[] = [];
  for (let r = 0; r < rounds; r++) {
    progress(`worker in its own process: round ${r + 1} of ${rounds}`);
    baseTwo.push(await baseline.throughput(n, clients));
    singleTwo.push(await twoProcess.throughput(n, clients));
  }
  await twoProcess.stop();
  await baseline.stop();

  const b = median(base);
  console.log(
    `events → delivered webhooks, ${n} events × ${rounds} rounds, worker concurrency ${concurrency}`,
  );
  console.log('');
  console.log('| path | median events/s | × baseline | goal |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(`| baseline: add_job + plain POST | ${fmt(b)} | 1.00 | |`);
  console.log(`| POST /v1/events | ${fmt(median(single))} | ${(median(single) / b).toFixed(2)} | ≥ 0.70 |`);
  console.log(
    `| POST /v1/events with an Idempotency-Key each (as the SDK sends) | ${fmt(median(sdk))} | ${(median(sdk) / b).toFixed(2)} | ≥ 0.70 |`,
  );
  console.log(
    `| POST /v1/events/batch (100/call) | ${fmt(median(batch))} | ${(median(batch) / b).toFixed(2)} | > 1.00 |`,
  );
  console.log(
    `| POST /v1/events, worker in its own process (as deployed) | ${fmt(median(singleTwo))} | ${(median(singleTwo) / median(baseTwo)).toFixed(2)} | |`,
  );
  console.log('');
  console.log(`latency from the call to the receiver at ${rate} events/s (${rate * 5} events):`);
  console.log('');
  console.log('| path | p50 ms | p99 ms | goal |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(`| baseline | ${fmt(percentile(baseLat, 50))} | ${fmt(percentile(baseLat, 99))} | |`);
  console.log(
    `| POST /v1/events | ${fmt(percentile(ourLat, 50))} | ${fmt(percentile(ourLat, 99))} | p50 < 10, p99 < 50 |`,
  );
  console.log('');
  console.log(
    `workflow executions (Start → Webhook, one event each through POST /v1/events), ${n} × ${rounds} rounds:`,
  );
  console.log('');
  console.log('| path | median executions/s | × webhook delivery (POST /v1/events) |');
  console.log('| --- | ---: | ---: |');
  console.log(
    `| event → execution → Webhook node | ${fmt(median(execs))} | ${(median(execs) / median(single)).toFixed(2)} |`,
  );
  console.log('');
  console.log(`rounds (executions/s): ${execs.map(fmt).join(', ')}`);
  console.log(
    `rounds (events/s): baseline ${base.map(fmt).join(', ')}; single ${single.map(fmt).join(', ')}; with Idempotency-Key ${sdk.map(fmt).join(', ')}; batch ${batch.map(fmt).join(', ')}; baseline again ${baseTwo.map(fmt).join(', ')}; two processes ${singleTwo.map(fmt).join(', ')}`,
  );
} finally {
  await receiver.close();
  await pg.stop();
}

// Last, on a PostgreSQL of its own: 2 servers + 3 workers as separate processes (bench/scaleOut.ts).
if (!(await runScaleOut(Number(values['scale-out-events'])))) process.exitCode = 1;
