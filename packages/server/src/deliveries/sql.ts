import { statement } from '../db/statement.ts';

// The statements of deliveries on the API side (listing and retrying one go through the ORM).

/** Queues again a webhook's failed or canceled event deliveries created in [since, until); their ids. */
export const REQUEUE_FAILED = statement<
  [accountId: string, webhookId: string, since: Date, until: string | null],
  { id: string }
>(
  'deliveries_requeue_failed',
  `update deliveries set status = 'pending', next_attempt_at = now(), completed_at = null, updated_at = now()
    where account_id = $1 and webhook_id = $2 and status in ('failed', 'canceled') and event_id is not null
      and created_at >= $3 and ($4::timestamptz is null or created_at < $4::timestamptz)
    returning id`,
);
