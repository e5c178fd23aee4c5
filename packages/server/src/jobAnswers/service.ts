import { ANSWERED_JOBS, type AnsweredJobName, JOBS, type JobAnswer, type JobPayload } from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { run, runOne } from '../db/statement.ts';
import type { ServerDeps } from '../deps.ts';
import { AppError, RETRY_AFTER_SECONDS } from '../errors.ts';
import { ADD_ANSWERED_JOB, REMOVE_ANSWERED_JOB, TAKE_ANSWER } from './sql.ts';

/**
 * Runs job `name` on a worker and returns its answer: the API never calls out itself (a test ping, a connection
 * test), so it enqueues the job, waits on the process's one LISTEN connection for the worker's NOTIFY, at most
 * SERVER_WORKER_WAIT_SECONDS, and reads the answer from `job_answers`. No worker in time: 503 `unavailable` (with
 * Retry-After), and the job is taken back unless a worker has it already.
 */
export async function askWorker<N extends AnsweredJobName>(
  deps: ServerDeps,
  name: N,
  payload: Omit<JobPayload<N>, 'answer_id'>,
): Promise<JobAnswer<N>> {
  const answerId = uuidv7();
  const full = JOBS[name].payload.parse({ ...payload, answer_id: answerId });
  const jobKey = `answer:${answerId}`;
  await deps.answers.ready();
  const woken = deps.answers.wait(answerId, deps.env.SERVER_WORKER_WAIT_SECONDS * 1000);
  await run(deps.pool, ADD_ANSWERED_JOB, [name, JSON.stringify(full), jobKey]);
  await woken;
  let row = await runOne(deps.pool, TAKE_ANSWER, [answerId]);
  if (!row) {
    await run(deps.pool, REMOVE_ANSWERED_JOB, [jobKey]);
    // It may have answered between the read and the removal.
    row = await runOne(deps.pool, TAKE_ANSWER, [answerId]);
  }
  if (!row) {
    const seconds = deps.env.SERVER_WORKER_WAIT_SECONDS;
    throw new AppError(
      'unavailable',
      `No worker answered within ${seconds} s: start a worker (switchyard worker), then retry`,
      [{ message: 'the API sends nothing itself: a worker does', retry_after_seconds: RETRY_AFTER_SECONDS }],
    );
  }
  return ANSWERED_JOBS[name].parse(row.answer) as JobAnswer<N>;
}
