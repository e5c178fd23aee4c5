import { createHash } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { EntityManager } from '../db/orm.ts';
import { AppError } from '../errors.ts';

/** JSON with object keys sorted, so the same body hashes the same whatever its key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** What an idempotent call is about; `work` returns its value and the response to store for replays. */
export interface IdempotentCall {
  accountId: string;
  key: string;
  operation: string;
  input: unknown;
  ttlHours: number;
  now: Date;
}

type Outcome<T> = { replayed: true; data: unknown } | { replayed: false; data: T };

/**
 * Runs `work` at most once per (account, key, operation). The record is claimed and the work done in one
 * transaction: a concurrent duplicate blocks on the unique index until the first commits, then replays its
 * response; if the first fails, its claim rolls back with it and the duplicate does the work itself. The same key
 * with another body is 409 `idempotency_conflict`. Keys starting with `life-` never expire.
 */
export async function runIdempotent<T>(
  em: EntityManager,
  call: IdempotentCall,
  work: (em: EntityManager) => Promise<{ value: T; response: unknown }>,
): Promise<Outcome<T>> {
  if (call.key.length > 255)
    throw new AppError('validation_error', 'Idempotency-Key is longer than 255 characters');
  const hash = createHash('sha256')
    .update(canonicalJson(call.input ?? null))
    .digest('hex');
  const expiresAt = call.key.startsWith('life-')
    ? null
    : new Date(call.now.getTime() + call.ttlHours * 3_600_000);
  return em.transactional(async (tem) => {
    const id = uuidv7();
    const claim = () =>
      tem.execute(
        `insert into idempotency_records (id, account_id, key, operation, request_hash, response, created_at, expires_at)
         values (?, ?, ?, ?, ?, 'null', ?, ?)
         on conflict (account_id, key, operation) do nothing returning id`,
        [id, call.accountId, call.key, call.operation, hash, call.now, expiresAt],
      );
    let claimed = await claim();
    if (claimed.length === 0) {
      const [row] = await tem.execute<{ request_hash: string; response: unknown; expires_at: Date | null }[]>(
        `select request_hash, response, expires_at from idempotency_records
         where account_id = ? and key = ? and operation = ?`,
        [call.accountId, call.key, call.operation],
      );
      if (row?.expires_at && new Date(row.expires_at) <= call.now) {
        await tem.execute(
          'delete from idempotency_records where account_id = ? and key = ? and operation = ?',
          [call.accountId, call.key, call.operation],
        );
        claimed = await claim();
      } else if (row) {
        if (row.request_hash !== hash) {
          throw new AppError(
            'idempotency_conflict',
            'This Idempotency-Key was already used with a different request body',
          );
        }
        return { replayed: true as const, data: row.response };
      }
    }
    const { value, response } = await work(tem);
    await tem.execute('update idempotency_records set response = ?::jsonb where id = ?', [
      JSON.stringify(response ?? null),
      id,
    ]);
    return { replayed: false as const, data: value };
  });
}
