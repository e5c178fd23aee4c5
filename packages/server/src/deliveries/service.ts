import { enqueueJob } from '../db/enqueue.ts';
import { Delivery, DeliveryAttempt } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { run } from '../db/statement.ts';
import { AppError, notFound } from '../errors.ts';
import { given, type PageInput, paginate } from '../pagination.ts';
import type { Detailed } from '../routes.ts';
import { getWebhook } from '../webhooks/service.ts';
import { deliveryJobKey } from './fanOut.ts';
import type { ListDeliveriesInput, RecoverInput } from './schema.ts';
import { REQUEUE_FAILED } from './sql.ts';

/** A page of one webhook's deliveries, newest first. */
export async function listDeliveries(em: EntityManager, accountId: string, input: ListDeliveriesInput) {
  await getWebhook(em, accountId, input.id);
  const where = given({ accountId, webhookId: input.id, status: input.status });
  return paginate(em, Delivery, where, input as PageInput);
}

/** A delivery with every attempt, oldest attempt first, or 404. */
export async function getDelivery(
  em: EntityManager,
  accountId: string,
  id: string,
): Promise<Detailed<Delivery, DeliveryAttempt>> {
  const delivery = await em.findOne(Delivery, { id, accountId });
  if (!delivery) throw notFound(`Delivery ${id}`);
  const attempts = await em.find(
    DeliveryAttempt,
    { deliveryId: id, accountId },
    { orderBy: { number: 'asc' } },
  );
  return { row: delivery, children: attempts };
}

async function requireActive(em: EntityManager, accountId: string, webhookId: string): Promise<void> {
  const hook = await getWebhook(em, accountId, webhookId);
  if (hook.status !== 'active') {
    throw new AppError(
      'validation_error',
      `The webhook is ${hook.status}: resume it (PATCH active: true) first`,
    );
  }
}

/**
 * Sends a delivery again now, whatever its state (a receiver may have lost a delivery it acknowledged). The attempt
 * joins its history; a queued retry is replaced, never doubled (one job key per delivery).
 */
export async function retryDelivery(em: EntityManager, accountId: string, id: string): Promise<Delivery> {
  const { row: delivery } = await getDelivery(em, accountId, id);
  if (delivery.eventId === null)
    throw new AppError('validation_error', 'A test ping cannot be retried: send a new test');
  await requireActive(em, accountId, delivery.webhookId);
  return em.transactional(async (tem) => {
    const now = new Date();
    await tem.nativeUpdate(
      Delivery,
      { id, accountId },
      { status: 'pending', nextAttemptAt: now, completedAt: null, updatedAt: now },
    );
    await enqueueJob(tem, 'deliver_webhook', { delivery_id: id }, { jobKey: deliveryJobKey(id) });
    return tem.findOneOrFail(Delivery, { id }, { refresh: true });
  });
}

/** Queues again every failed or canceled event delivery of a webhook created in [since, until). */
export async function recoverDeliveries(
  em: EntityManager,
  accountId: string,
  input: RecoverInput,
): Promise<number> {
  await requireActive(em, accountId, input.id);
  return em.transactional(async (tem) => {
    const rows = await run(tem, REQUEUE_FAILED, [
      accountId,
      input.id,
      new Date(input.since),
      input.until ?? null,
    ]);
    for (const { id } of rows)
      await enqueueJob(tem, 'deliver_webhook', { delivery_id: id }, { jobKey: deliveryJobKey(id) });
    return rows.length;
  });
}
