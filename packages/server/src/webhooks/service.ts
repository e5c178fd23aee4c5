import {
  type CompatEventType,
  MAX_CUSTOM_HEADERS,
  type Problem,
  urlRefusal,
  validateCustomHeaders,
  validateEventPatterns,
} from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { Webhook } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { secretBoxOf } from '../deliveries/ports.ts';
import type { ServerDeps } from '../deps.ts';
import { outboundPolicy } from '../env.ts';
import { AppError, notFound } from '../errors.ts';
import { ensureEventTypes, knownEventTypeNames } from '../eventTypes/service.ts';
import { askWorker } from '../jobAnswers/service.ts';
import { type PageInput, paginate } from '../pagination.ts';
import { normalizeFilters } from './filters.ts';
import type {
  CreateWebhookInput,
  HeadersInput,
  ListWebhooksInput,
  TestDeliveryOutput,
  UpdateWebhookInput,
} from './schema.ts';
import { generateSecret, sealHeaders } from './secrets.ts';

/** How long the secret before a rotation keeps signing. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

function fail(code: 'validation_error' | 'invalid_events', problems: Problem[]): never {
  const first = problems[0];
  throw new AppError(code, first ? `${first.path}: ${first.message}` : 'Invalid input', problems);
}

/**
 * Custom headers as one record. A list may repeat a name (seed 003's own example sends `x-api-key` twice): HTTP
 * allows a field more than once, and a repeated field is the same as one field whose values are joined by ", "
 * (RFC 9110, section 5.3), which is how it is stored and sent; the first spelling of the name is kept.
 */
function headersRecord(input: HeadersInput | undefined): Record<string, string> {
  if (!input) return {};
  if (!Array.isArray(input)) return input;
  const out: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (const h of input) {
    const [name, value] = 'key' in h ? [h.key, h.value] : [h.Key, h.Value];
    const first = spelling.get(name.toLowerCase());
    if (first === undefined) {
      spelling.set(name.toLowerCase(), name);
      out[name] = value;
    } else {
      out[first] = `${out[first]}, ${value}`;
    }
  }
  return out;
}

function checkHeaders(input: HeadersInput | undefined): Record<string, string> {
  // The limit counts the headers given, repeats included.
  if (Array.isArray(input) && input.length > MAX_CUSTOM_HEADERS) {
    fail('validation_error', [
      {
        path: 'headers',
        message: `at most ${MAX_CUSTOM_HEADERS} custom headers are allowed (${input.length} given)`,
      },
    ]);
  }
  const headers = headersRecord(input);
  const problems = validateCustomHeaders(headers);
  if (problems.length > 0) fail('validation_error', problems);
  return headers;
}

/**
 * The SSRF rules that need no network (malformed, not HTTPS, credentials, a literal private address or `localhost`),
 * always as 400 `invalid_url` with the reason. A host name is resolved and each address checked by the worker at
 * every delivery (DNS can change between save and send), where a refused address fails the attempt.
 */
function checkUrl(deps: ServerDeps, url: string): void {
  const reason = urlRefusal(url, outboundPolicy(deps.env));
  if (reason)
    throw new AppError('invalid_url', `The URL is refused: ${reason}`, [{ path: 'url', message: reason }]);
}

async function checkEvents(
  em: EntityManager,
  accountId: string,
  events: string[],
  alsoKnown: readonly CompatEventType[] = [],
): Promise<void> {
  const known = [...(await knownEventTypeNames(em, accountId)), ...alsoKnown.map((t) => t.type)];
  const problems = validateEventPatterns(events, known);
  if (problems.length > 0) {
    throw new AppError(
      'invalid_events',
      `One or more event names are not recognized: ${problems.map((p) => p.message).join('; ')}`,
      problems,
    );
  }
}

function checkFilters(input: CreateWebhookInput['filters']) {
  const { condition, problems } = normalizeFilters(input);
  if (problems.length > 0) fail('validation_error', problems);
  return condition;
}

/** A webhook of the account, or 404. */
export async function getWebhook(em: EntityManager, accountId: string, id: string): Promise<Webhook> {
  const hook = await em.findOne(Webhook, { id, accountId });
  if (!hook) throw notFound(`Webhook ${id}`);
  return hook;
}

/** A page of the account's webhooks, newest first (one end user's, when `user_key` is given). */
export async function listWebhooks(em: EntityManager, accountId: string, input: ListWebhooksInput) {
  const where: Record<string, unknown> = { accountId };
  if (input.user_key) where.userKey = input.user_key;
  return paginate<Webhook>(em, Webhook, where, input as PageInput);
}

/**
 * Creates a subscription (seed 001): the URL passes the SSRF guard (`invalid_url`), every event is known
 * (`invalid_events`), custom headers and filters are valid, and the URL is new for the account (409
 * `duplicate_webhook`). Returns the secret, which is stored sealed and never shown again. With `test_delivery`, a
 * ping is sent at once and a failed one leaves the webhook paused (seed 002). `register` names event types a
 * compatibility route subscribes to: they count as known, and join the account's catalog once the webhook exists.
 */
export async function createWebhook(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: CreateWebhookInput,
  opts: { register?: readonly CompatEventType[] } = {},
): Promise<{ webhook: Webhook; secret: string; test?: TestDeliveryOutput }> {
  checkUrl(deps, input.url);
  await checkEvents(em, accountId, input.events, opts.register);
  const headers = checkHeaders(input.headers);
  const filters = checkFilters(input.filters);
  const secret = generateSecret();
  const id = uuidv7();
  const inserted = await em.execute<{ id: string }[]>(
    // The URL is unique per owner (the account, or one end user): the only unique index a new id can meet.
    `insert into webhooks (id, account_id, user_key, url, name, description, events, filters, method, content_type,
       headers_sealed, status, notify_on_failure, secret_sealed, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, now(), now())
     on conflict do nothing returning id`,
    [
      id,
      accountId,
      input.user_key ?? null,
      input.url,
      input.name ?? null,
      input.description ?? null,
      JSON.stringify(input.events),
      filters === null ? null : JSON.stringify(filters),
      input.method ?? 'POST',
      input.content_type ?? 'application/json',
      sealHeaders(headers, secretBoxOf(deps)),
      input.active === false ? 'paused' : 'active',
      input.notify_on_failure ?? false,
      secretBoxOf(deps).seal(secret),
    ],
  );
  if (inserted.length === 0)
    throw new AppError('duplicate_webhook', `A webhook with URL ${input.url} already exists`);
  if (opts.register) await ensureEventTypes(em, accountId, opts.register);
  let test: TestDeliveryOutput | undefined;
  if (input.test_delivery) {
    // The webhook exists already: a ping no worker could send is a failed test (the webhook stays paused), not a
    // failed creation a retry would meet as a 409.
    test = await sendTestDelivery(em, deps, accountId, id, { noWorker: 'fail' });
    if (test.status === 'failed') await em.nativeUpdate(Webhook, { id }, { status: 'paused' });
  }
  const webhook = await em.findOneOrFail(Webhook, { id }, { refresh: true });
  return { webhook, secret, test };
}

/** Changes only the fields given; `active: false` pauses, `active: true` resumes (a disabled webhook too). */
export async function updateWebhook(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: UpdateWebhookInput,
): Promise<Webhook> {
  const hook = await getWebhook(em, accountId, input.id);
  if (input.url !== undefined && input.url !== hook.url) {
    checkUrl(deps, input.url);
    const taken = await em.count(Webhook, { accountId, userKey: hook.userKey ?? null, url: input.url });
    if (taken > 0) throw new AppError('duplicate_webhook', `A webhook with URL ${input.url} already exists`);
    hook.url = input.url;
  }
  if (input.events !== undefined) {
    await checkEvents(em, accountId, input.events);
    hook.events = input.events;
  }
  if (input.headers !== undefined)
    hook.headersSealed = sealHeaders(checkHeaders(input.headers), secretBoxOf(deps));
  if (input.filters !== undefined) hook.filters = checkFilters(input.filters);
  if (input.name !== undefined) hook.name = input.name;
  if (input.description !== undefined) hook.description = input.description;
  if (input.method !== undefined) hook.method = input.method;
  if (input.content_type !== undefined) hook.contentType = input.content_type;
  if (input.notify_on_failure !== undefined) hook.notifyOnFailure = input.notify_on_failure;
  if (input.active === false) hook.status = 'paused';
  if (input.active === true && hook.status !== 'active') {
    hook.status = 'active';
    hook.disabledReason = null;
    hook.failingSince = null;
  }
  hook.updatedAt = new Date();
  try {
    await em.flush();
  } catch (err) {
    if ((err as { name?: string }).name === 'UniqueConstraintViolationException') {
      throw new AppError('duplicate_webhook', `A webhook with URL ${input.url} already exists`);
    }
    throw err;
  }
  return hook;
}

/** Deletes a webhook with its deliveries; queued attempts find nothing to do. */
export async function deleteWebhook(em: EntityManager, accountId: string, id: string): Promise<Webhook> {
  const hook = await getWebhook(em, accountId, id);
  await em.nativeDelete(Webhook, { id: hook.id, accountId });
  return hook;
}

/** A new secret, shown once; the old one keeps signing (both signatures are sent) for 24 hours. */
export async function rotateSecret(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  id: string,
): Promise<{ webhook: Webhook; secret: string; previousExpiresAt: Date }> {
  const hook = await getWebhook(em, accountId, id);
  const secret = generateSecret();
  const previousExpiresAt = new Date(Date.now() + ROTATION_GRACE_MS);
  hook.previousSecretSealed = hook.secretSealed;
  hook.previousSecretExpiresAt = previousExpiresAt;
  hook.secretSealed = secretBoxOf(deps).seal(secret);
  hook.updatedAt = new Date();
  await em.flush();
  return { webhook: hook, secret, previousExpiresAt };
}

/**
 * Has a worker send a signed `webhook.test` ping now and reports what the endpoint answered (logged as a delivery).
 * 503 `unavailable` when no worker answers within SERVER_WORKER_WAIT_SECONDS.
 */
export async function sendTestDelivery(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  webhookId: string,
  opts: { noWorker?: 'throw' | 'fail' } = {},
): Promise<TestDeliveryOutput> {
  const deliveryId = uuidv7();
  await em.execute(
    `insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, created_at, updated_at)
     values (?, ?, ?, null, 'webhook.test', 'pending', 0, now(), now())`,
    [deliveryId, accountId, webhookId],
  );
  try {
    const answer = await askWorker(deps, 'test_webhook', { delivery_id: deliveryId });
    return { delivery_id: deliveryId, ...answer };
  } catch (err) {
    if (opts.noWorker !== 'fail' || !(err instanceof AppError) || err.code !== 'unavailable') throw err;
    return { delivery_id: deliveryId, status: 'failed', status_code: null, error: err.message };
  }
}
