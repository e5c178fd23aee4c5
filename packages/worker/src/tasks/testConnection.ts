import { JOB_ANSWERS_CHANNEL } from '@switchyard/core';
import { run, WRITE_ANSWER } from '@switchyard/server/db';
import { defineTask } from '../defineTask.ts';
import { testConnection } from '../probes/testConnection.ts';

/** A connection test the API asked for; its outcome goes to `job_answers` with a NOTIFY, like a test ping's. */
export const testConnectionTask = defineTask('test_connection', async (payload, deps) => {
  const answer = await testConnection(deps, payload.account_id, payload.connection_id);
  await run(deps.pool, WRITE_ANSWER, [payload.answer_id, JSON.stringify(answer), JOB_ANSWERS_CHANNEL]);
});
