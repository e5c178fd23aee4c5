// The statements of idempotency claims (see idempotency.ts), each on its own: none runs in a transaction, and none
// holds a lock past its own statement. Named, so each is planned once per connection.

/** Claims a key no one holds: a new row, or nothing when the key exists. */
export const CLAIM = {
  name: 'switchyard_idempotency_claim',
  text: `insert into idempotency_records (id, account_id, key, operation, request_hash, response, created_at, expires_at,
           claimed_by, locked_until)
         values ($1, $2, $3, $4, $5, null, $6, $7, $8, $9)
         on conflict (account_id, key, operation) do nothing
         returning id`,
};

/**
 * The record of a key, with whether its time is up and whether its claim's lease lapsed at `$4` (compared here, so
 * the answer does not depend on how the pool hands back timestamps).
 */
export const READ = {
  name: 'switchyard_idempotency_read',
  text: `select id, request_hash, response, response_sealed,
                coalesce(expires_at <= $4, false) as expired,
                (locked_until is null or locked_until <= $4) as lapsed
           from idempotency_records
          where account_id = $1 and key = $2 and operation = $3`,
};

/** Removes a record whose time is up, so the key can be claimed anew. */
export const DELETE_EXPIRED = {
  name: 'switchyard_idempotency_delete_expired',
  text: 'delete from idempotency_records where id = $1 and expires_at <= $2',
};

/** Takes over a claim whose lease lapsed without a response (its process died). */
export const TAKE_OVER = {
  name: 'switchyard_idempotency_take_over',
  text: `update idempotency_records set claimed_by = $2, locked_until = $3
          where id = $1 and response is null and response_sealed is null
            and (locked_until is null or locked_until <= $4)
         returning id`,
};

/** Completes a claim with its sealed response; a claim taken over since is left to its new holder. */
export const RECORD = {
  name: 'switchyard_idempotency_record',
  text: `update idempotency_records set response_sealed = $3, locked_until = null
          where id = $1 and claimed_by = $2`,
};

/** Drops a claim that did not complete. */
export const RELEASE = {
  name: 'switchyard_idempotency_release',
  text: `delete from idempotency_records
          where id = $1 and claimed_by = $2 and response is null and response_sealed is null`,
};
