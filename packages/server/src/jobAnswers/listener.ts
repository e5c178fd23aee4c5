import { JOB_ANSWERS_CHANNEL } from '@switchyard/core';
import pg from 'pg';
import type { Logger } from 'pino';

/**
 * The process's one LISTEN connection for job answers: a waiter registers an answer id and is woken when a worker
 * NOTIFYs it. Connected on first use; a lost connection is reopened by the next wait (a NOTIFY sent meanwhile is
 * not lost for good: a waiter also reads the table when its time is up).
 */
export class AnswerListener {
  readonly #url: string;
  readonly #logger: Logger;
  readonly #waiters = new Map<string, () => void>();
  #client: Promise<pg.Client> | null = null;
  #closed = false;

  constructor(databaseUrl: string, logger: Logger) {
    this.#url = databaseUrl;
    this.#logger = logger;
  }

  /** Resolves once LISTEN is in place (call before enqueuing, so no NOTIFY is missed). */
  async ready(): Promise<void> {
    if (this.#closed) throw new Error('the answer listener is closed');
    this.#client ??= this.#connect();
    try {
      await this.#client;
    } catch (err) {
      this.#client = null;
      throw err;
    }
  }

  /** Resolves when `id` is notified, or after `ms` (whichever first); the caller then reads the table. */
  wait(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.set(id, () => {
        this.#waiters.delete(id);
        done();
      });
      setTimeout(() => this.#waiters.delete(id), ms + 1_000).unref();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = null;
    for (const wake of this.#waiters.values()) wake();
    if (client) await (await client.catch(() => null))?.end().catch(() => {});
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#url, application_name: 'switchyard-answers' });
    client.on('notification', (msg) => {
      if (msg.payload) this.#waiters.get(msg.payload)?.();
    });
    client.on('error', (err) => {
      this.#logger.warn({ err: err.message }, 'job answer listener lost its connection');
      this.#client = null;
      client.end().catch(() => {});
    });
    await client.connect();
    await client.query(`listen ${JOB_ANSWERS_CHANNEL}`);
    return client;
  }
}
