/** The worker's failure vocabulary lives in core so that action providers in the server package can throw it too. */
export { NonRetriableError, RetryAfterError } from '@switchyard/core';
