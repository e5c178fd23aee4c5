import { Migration } from '@mikro-orm/migrations';

/**
 * Idempotency records become claims: a key is claimed in a short statement of its own (`claimed_by`, with a lease
 * in `locked_until` so a claim whose process died can be taken over), the work runs outside any transaction, and
 * the response is recorded afterwards, sealed with the secret box (`response_sealed`): a replayed response may hold
 * an API key or a signing secret, which must not sit in the table in plaintext. Records written before this
 * migration kept their response in plaintext; those holding a secret are deleted (their key then works as new).
 */
export class Migration20261201200000_idempotencyClaims extends Migration {
  override name = 'Migration20261201200000_idempotencyClaims';

  override up(): void {
    this.addSql(`
      alter table idempotency_records
        alter column response drop not null,
        add column response_sealed text null,
        add column claimed_by uuid null,
        add column locked_until timestamptz null;
      delete from idempotency_records where response::text ~ '"(sy|sk|whsec)_';
    `);
  }
}
