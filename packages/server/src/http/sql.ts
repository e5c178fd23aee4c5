import { statement } from '../db/statement.ts';

// The statements of what sits in front of every procedure: idempotency claims (idempotency.ts), each on its own —
// none runs in a transaction, and none holds a lock past its own statement — and portal sessions (session.ts).

/**
 * Claims keys no one holds, one row per call (concurrent calls share the statement, see db/coalesce.ts): the ids of
 * the new rows; a key that exists, or repeats an earlier row of the same statement, returns nothing.
 */
export const CLAIM = statement<
  [
    ids: string[],
    accountIds: string[],
    keys: string[],
    operations: string[],
    requestHashes: string[],
    createdAt: Date[],
    expiresAt: (Date | null)[],
    claimedBy: string[],
    lockedUntil: Date[],
  ],
  { id: string }
>(
  'switchyard_idempotency_claim',
  `insert into idempotency_records (id, account_id, key, operation, request_hash, response, created_at, expires_at,
           claimed_by, locked_until)
         select c.id, c.account_id, c.key, c.operation, c.request_hash, null, c.created_at, c.expires_at,
                c.claimed_by, c.locked_until
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                       $7::timestamptz[], $8::uuid[], $9::timestamptz[])
                  as c(id, account_id, key, operation, request_hash, created_at, expires_at, claimed_by, locked_until)
         on conflict (account_id, key, operation) do nothing
         returning id`,
);

/**
 * The record of a key, with whether its time is up and whether its claim's lease lapsed at `$4` (compared here, so
 * the answer does not depend on how the pool hands back timestamps).
 */
export const READ = statement<
  [accountId: string, key: string, operation: string, now: Date],
  {
    id: string;
    request_hash: string;
    response: unknown;
    response_sealed: string | null;
    expired: boolean;
    lapsed: boolean;
  }
>(
  'switchyard_idempotency_read',
  `select id, request_hash, response, response_sealed,
                coalesce(expires_at <= $4, false) as expired,
                (locked_until is null or locked_until <= $4) as lapsed
           from idempotency_records
          where account_id = $1 and key = $2 and operation = $3`,
);

/** Removes a record whose time is up, so the key can be claimed anew. */
export const DELETE_EXPIRED = statement<[id: string, now: Date]>(
  'switchyard_idempotency_delete_expired',
  'delete from idempotency_records where id = $1 and expires_at <= $2',
);

/** Takes over a claim whose lease lapsed without a response (its process died). */
export const TAKE_OVER = statement<
  [id: string, claimedBy: string, lockedUntil: Date, now: Date],
  { id: string }
>(
  'switchyard_idempotency_take_over',
  `update idempotency_records set claimed_by = $2, locked_until = $3
          where id = $1 and response is null and response_sealed is null
            and (locked_until is null or locked_until <= $4)
         returning id`,
);

/**
 * Completes claims with their sealed responses (concurrent calls share the statement); a claim taken over since is
 * left to its new holder.
 */
export const RECORD = statement<[ids: string[], claimedBy: string[], responsesSealed: string[]]>(
  'switchyard_idempotency_record',
  `update idempotency_records r set response_sealed = u.sealed, locked_until = null
     from unnest($1::uuid[], $2::uuid[], $3::text[]) as u(id, claimed_by, sealed)
    where r.id = u.id and r.claimed_by = u.claimed_by`,
);

/** Drops a claim that did not complete. */
export const RELEASE = statement<[id: string, claimedBy: string]>(
  'switchyard_idempotency_release',
  `delete from idempotency_records
          where id = $1 and claimed_by = $2 and response is null and response_sealed is null`,
);

/** What a session token resolves to: the session, its user and its whole account row (for `em.map`). */
export interface SessionRow extends Record<string, unknown> {
  sy_session_id: string;
  sy_session_features: string[] | string;
  sy_session_expires_at: Date | string;
  sy_session_revoked_at: Date | string | null;
  sy_user_id: string;
  sy_user_key: string;
}

/** A portal session by the hash of either of its tokens (the host's or the browser's). */
export const SESSION_BY_TOKEN = statement<[tokenHash: string], SessionRow>(
  'switchyard_resolve_portal_session',
  `select s.id as sy_session_id, s.features as sy_session_features, s.expires_at as sy_session_expires_at,
          s.revoked_at as sy_session_revoked_at, u.id as sy_user_id, u.key as sy_user_key, a.*
     from portal_sessions s join users u on u.id = s.user_id join accounts a on a.id = s.account_id
    where s.token_hash = $1 or s.browser_token_hash = $1`,
);
