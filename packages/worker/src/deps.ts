import type { Env } from '@switchyard/server';
import type { MikroORM } from '@switchyard/server/db';
import type { Logger } from 'pino';

/** What every task of a worker process shares. */
export interface WorkerDeps {
  env: Env;
  orm: MikroORM;
  logger: Logger;
}
