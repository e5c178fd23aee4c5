import type { ServerResponse } from 'node:http';
import type pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { EntityManager } from '../db/orm.ts';
import type { ServerDeps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { consumeRateLimit } from '../http/rateLimit.ts';
import { createWebhook } from '../webhooks/service.ts';
import { inTheirFieldNames } from './fieldNames.ts';
import { type LeadSquaredCreateWebhookInput, mapLeadSquaredWebhook } from './leadSquaredMapping.ts';

/** LeadSquared's own limit (seed 003: "API calls exceeded the limit of 25 in 5 second(s)"), per API key. */
export const LEADSQUARED_RATE_LIMIT = { points: 25, windowSeconds: 5 } as const;

/** Seed 003's answer. */
export const LeadSquaredWebhookResponse = z.object({
  Status: z.literal('Success'),
  Message: z.object({
    Id: z.string().describe('The webhook id (GET /v1/webhooks/{id} shows it)'),
    Secret: z.string().describe('The signing secret (whsec_…) of the deliveries. Shown once: store it now.'),
  }),
});
export type LeadSquaredWebhookResponse = z.infer<typeof LeadSquaredWebhookResponse>;

// One limiter per pool (each server process has one): it keeps its counts in the shared rate_limits table.
const limiters = new WeakMap<pg.Pool, RateLimiterPostgres>();

function limiterOf(pool: pg.Pool): RateLimiterPostgres {
  let limiter = limiters.get(pool);
  if (!limiter) {
    limiter = new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      keyPrefix: 'leadsquared',
      points: LEADSQUARED_RATE_LIMIT.points,
      duration: LEADSQUARED_RATE_LIMIT.windowSeconds,
    });
    limiters.set(pool, limiter);
  }
  return limiter;
}

/** Counts one call of the LeadSquared route for the key: past 25 in 5 seconds it is 429 `rate_limited`. */
export function consumeLeadSquaredLimit(
  deps: ServerDeps,
  apiKeyId: string,
  res: ServerResponse | undefined,
): Promise<void> {
  return consumeRateLimit(limiterOf(deps.pool), apiKeyId, res, deps.logger);
}

/**
 * Seed 003 (LeadSquared): creates a webhook through the one webhook service from LeadSquared's body. The event
 * code's type joins the account's catalog so the host can send it.
 */
export async function createLeadSquaredWebhook(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: LeadSquaredCreateWebhookInput,
): Promise<LeadSquaredWebhookResponse> {
  const mapped = mapLeadSquaredWebhook(input);
  if (!mapped.ok) {
    const first = mapped.problems[0];
    throw new AppError(
      mapped.code,
      first ? `${first.path}: ${first.message}` : 'Invalid input',
      mapped.problems,
    );
  }
  const { webhook, secret } = await inTheirFieldNames(
    {
      url: 'URL',
      events: 'WebhookEvent',
      description: 'Description',
      method: 'Method',
      content_type: 'ContentType',
      headers: 'CustomHeaders',
      filters: 'WebhookProperties',
    },
    () => createWebhook(em, deps, accountId, mapped.value.webhook, { register: [mapped.value.event] }),
  );
  return { Status: 'Success', Message: { Id: webhook.id, Secret: secret } };
}
