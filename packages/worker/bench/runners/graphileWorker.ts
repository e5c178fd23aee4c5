// The raw graphile-worker baseline's worker, as its own process (a user's deployment runs it so): one task that
// makes one plain HTTP POST of the job's payload to RECEIVER_URL. The bench process adds the jobs.
import { Logger, run } from 'graphile-worker';
import pg from 'pg';
import { postOnce, stopWith } from './post.ts';

const concurrency = Number(process.env.CONCURRENCY);
const receiverUrl = process.env.RECEIVER_URL as string;
const pgPool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: concurrency + 2 });
const runner = await run({
  pgPool,
  concurrency,
  noHandleSignals: true,
  pollInterval: 1000,
  parsedCronItems: [],
  logger: new Logger(() => () => {}),
  taskList: { bench_post: (payload) => postOnce(receiverUrl, payload) },
});
stopWith(async () => {
  await runner.stop();
  await pgPool.end();
});
process.stdout.write('runner ready\n');
