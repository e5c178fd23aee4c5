// The BullMQ baseline's worker, as its own process: one processor that makes one plain HTTP POST of the job's data
// to RECEIVER_URL, on the machine's Redis (REDIS_HOST:REDIS_PORT). The bench process adds the jobs.
import { Worker } from 'bullmq';
import { postOnce, stopWith } from './post.ts';

const receiverUrl = process.env.RECEIVER_URL as string;
const worker = new Worker(process.env.QUEUE as string, (job) => postOnce(receiverUrl, job.data), {
  connection: {
    host: process.env.REDIS_HOST as string,
    port: Number(process.env.REDIS_PORT),
    maxRetriesPerRequest: null,
  },
  concurrency: Number(process.env.CONCURRENCY),
});
await worker.waitUntilReady();
stopWith(() => worker.close());
process.stdout.write('runner ready\n');
