import { pool } from '@switchyard/server/bench';
import type { Receiver } from './harness.ts';

type Post = (path: string, body: unknown) => Promise<unknown>;

/**
 * Workflow executions per second through the real pipeline: a published Start → Webhook workflow triggered by
 * `deal.created` (the bench's webhook subscription listens on `deal.updated` only, so no delivery competes), its
 * Webhook node posting `{"seq": n}` to the receiver. Measured from the first event to the last request received.
 */
export async function startExecutionsBench(post: Post, receiver: Receiver) {
  await post('/v1/workflows', {
    name: 'Bench: Start → Webhook',
    event_trigger: 'deal.created',
    template_status: 'published',
    template: {
      nodes: [
        { id: 'start', type: 'Start' },
        {
          id: 'call',
          type: 'Webhook',
          url: receiver.url,
          body: '{"seq": {{deal.seq}}}',
          content_type: 'application/json',
        },
      ],
      edges: ['start-call'],
    },
  });
  let next = 0;
  return {
    async throughput(n: number, clientConcurrency: number): Promise<number> {
      receiver.reset();
      const base = next;
      next += n;
      const start = performance.now();
      await pool(n, clientConcurrency, async (i) => {
        const seq = base + i;
        receiver.sentAt.set(seq, performance.now());
        await post('/v1/events', { type: 'deal.created', data: { id: `x${seq}`, seq } });
      });
      await receiver.waitFor(n);
      return n / ((performance.now() - start) / 1000);
    },
  };
}
