import type { Delivery, DeliveryAttempt } from '../db/entities/index.ts';
import { timestampFields } from '../time.ts';
import type { AttemptOutput, DeliveryOutput } from './schema.ts';

/** The API shape of an attempt, field by field. */
export function toAttemptOutput(a: DeliveryAttempt, zone: string): AttemptOutput {
  return {
    number: a.number,
    status_code: a.statusCode ?? null,
    duration_ms: a.durationMs,
    request_headers: a.requestHeaders,
    response_headers: a.responseHeaders ?? null,
    response_body: a.responseBody ?? null,
    response_truncated: a.responseTruncated,
    error_code: a.errorCode ?? null,
    error: a.error ?? null,
    ...timestampFields('started', a.startedAt, zone),
  } as AttemptOutput;
}

/** The API shape of a delivery, with its attempts when given. */
export function toDeliveryOutput(d: Delivery, zone: string, attempts?: DeliveryAttempt[]): DeliveryOutput {
  return {
    object: 'delivery',
    id: d.id,
    webhook_id: d.webhookId,
    event_id: d.eventId ?? null,
    event_type: d.eventType,
    status: d.status,
    attempts_count: d.attempts,
    last_status_code: d.lastStatusCode ?? null,
    last_error: d.lastError ?? null,
    ...timestampFields('created', d.createdAt, zone),
    ...timestampFields('next_attempt', d.nextAttemptAt, zone),
    ...timestampFields('completed', d.completedAt, zone),
    ...(attempts ? { attempts: attempts.map((a) => toAttemptOutput(a, zone)) } : {}),
  } as DeliveryOutput;
}
