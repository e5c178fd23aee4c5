import { Logger as GraphileLogger, type LogLevel } from 'graphile-worker';
import type { Logger } from 'pino';

type PinoLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

// graphile-worker reports each job at info ("Completed task 42 (deliver_webhook, 3.1ms) with success", with the job
// row attached) and its internals at debug. Ours is one line per meaningful thing at info, so its info goes to debug
// and its debug to trace. Its errors about one job or a retried connection are warnings: the job is retried and the
// pool logs an outage once; what stops the runner stays an error.
const WARNINGS = [
  /^Failed task /,
  /^Error with notify listener/,
  /^Failed to acquire job/,
  /^Error occurred fetching jobs/,
  /^Failed to reset locked/,
  /^Error occurred during fetch/,
];

// Its pool-size advice assumes each job slot fetches through its pool; with the local queue one connection fetches
// for all, and the jobs' own statements go through the ORM's pool (workerPoolSizes in main.ts).
const ADVICE = /^WARNING: having maxPoolSize/;

function levelFor(level: LogLevel, message: string): PinoLevel {
  if (ADVICE.test(message)) return 'debug';
  switch (level) {
    case 'error':
      return WARNINGS.some((re) => re.test(message)) ? 'warn' : 'error';
    case 'warning':
      return 'warn';
    case 'info':
      return 'debug';
    default:
      return 'trace';
  }
}

/** The few fields worth keeping from graphile-worker's metadata: ids, not whole job rows. */
function summarize(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!meta) return {};
  const out: Record<string, unknown> = {};
  const job = meta.job as { id?: unknown; task_identifier?: unknown; attempts?: unknown } | undefined;
  if (job) Object.assign(out, { jobId: job.id, task: job.task_identifier, attempt: job.attempts });
  const jobs = meta.jobs as { id?: unknown }[] | undefined;
  if (Array.isArray(jobs)) out.jobIds = jobs.map((j) => j.id);
  if (typeof meta.duration === 'number') out.ms = Math.round(meta.duration);
  const error = meta.error ?? meta.fatalError;
  if (error instanceof Error) out.err = error;
  return out;
}

/** graphile-worker's logger, writing to ours at the levels above, one line per message. */
export function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const target = levelFor(level, message);
    if (!logger.isLevelEnabled(target)) return;
    const fields = { workerId: scope.workerId, ...summarize(meta) };
    // Its messages may carry a whole stack after the first line; the error field keeps it for JSON logs.
    logger[target](fields, message.split('\n', 1)[0] ?? message);
  });
}
