import { describe, expect, it } from 'vitest';
import { serverForFile } from '../testing/index.ts';

// A stored filter that cannot be evaluated (written before a rule changed, or edited in the database) must not drop
// the event silently: the delivery is recorded as skipped, with the reason, beside the webhooks that did match.
const srv = serverForFile();
const call = srv.call;

describe('a webhook filter that cannot be evaluated', () => {
  it('records a skipped delivery saying why, and the event still reaches the other webhooks', async () => {
    const broken = await call('POST', '/v1/webhooks', {
      url: 'http://127.0.0.1:9/broken',
      events: ['deal.updated'],
      filters: { field: 'status', operator: 'equals', value: 'Open' },
    });
    const healthy = await call('POST', '/v1/webhooks', {
      url: 'http://127.0.0.1:9/ok',
      events: ['deal.updated'],
    });
    expect([broken.status, healthy.status]).toEqual([201, 201]);
    await srv.deps.orm.em
      .fork()
      .execute(
        `update webhooks set filters = '{"field":"status","operator":"sounds_like","value":1}' where id = ?`,
        [broken.body.data.webhook.id],
      );

    const event = await call('POST', '/v1/events', {
      type: 'deal.updated',
      data: { id: 'd1', status: 'Open' },
    });
    expect(event.status).toBe(202);

    const skipped = await call('GET', `/v1/webhooks/${broken.body.data.webhook.id}/deliveries`);
    expect(skipped.body.data).toHaveLength(1);
    expect(skipped.body.data[0]).toMatchObject({
      status: 'skipped',
      event_id: event.body.data.id,
      attempts_count: 0,
      last_error: expect.stringMatching(/filter could not be evaluated.*operator/),
    });
    const delivered = await call('GET', `/v1/webhooks/${healthy.body.data.webhook.id}/deliveries`);
    expect(delivered.body.data.map((d: { status: string }) => d.status)).toEqual(['pending']);
    // Nothing is queued for the skipped one.
    const [jobs] = await srv.deps.orm.em
      .fork()
      .execute<{ n: number }[]>(`select count(*)::int as n from graphile_worker.jobs where key = ?`, [
        `delivery:${skipped.body.data[0].id}`,
      ]);
    expect(jobs?.n).toBe(0);
  });
});
