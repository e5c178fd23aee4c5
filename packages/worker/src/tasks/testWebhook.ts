import { JOB_ANSWERS_CHANNEL, type TestWebhookAnswer } from '@switchyard/core';
import { run, WRITE_ANSWER } from '@switchyard/server/db';
import { defineTask } from '../defineTask.ts';
import { attemptDelivery } from '../delivery/attempt.ts';

/**
 * A test ping the API asked for: one attempt of the `webhook.test` delivery the API wrote (logged like any), whose
 * outcome goes to `job_answers` with a NOTIFY for the API process waiting on it.
 */
export const testWebhookTask = defineTask('test_webhook', async (payload, deps) => {
  const outcome = await attemptDelivery(deps, payload.delivery_id, { test: true });
  const answer: TestWebhookAnswer = {
    status: outcome.result === 'succeeded' ? 'succeeded' : 'failed',
    status_code: outcome.statusCode,
    error: outcome.error,
  };
  await run(deps.pool, WRITE_ANSWER, [payload.answer_id, JSON.stringify(answer), JOB_ANSWERS_CHANNEL]);
});
