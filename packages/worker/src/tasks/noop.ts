import { defineTask } from '../defineTask.ts';

/** Does nothing: lets tests and benchmarks measure the queue itself. */
export const noopTask = defineTask('noop', async () => {});
