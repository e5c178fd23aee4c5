import { NonRetriableError, RetryAfterError } from '@switchyard/core';
import { parseRetryAfter } from '../delivery/schedule.ts';
import type { WorkerDeps } from '../deps.ts';
import type { OutboundRequest } from '../outbound/client.ts';
import { isOutboundError } from '../outbound/client.ts';

/** An answer as a step records it: status, headers and the body (parsed when it is JSON). */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The body as JSON when it is JSON, else the text (null when empty). */
export function parseAnswerBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return null;
  if (contentType?.includes('json') || /^\s*[[{"]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Sends one request of an action through the SSRF-guarded client and classifies the outcome the way the step
 * engine retries: 2xx resolves with the answer; 429 is a RetryAfterError (its Retry-After honoured); 408, 5xx and
 * network failures are plain errors (retried with backoff); any other 4xx, or an address the guard refuses, is a
 * NonRetriableError that keeps the answer.
 */
export async function sendForAction(
  deps: WorkerDeps,
  req: OutboundRequest,
  what: string,
): Promise<HttpAnswer> {
  let res: Awaited<ReturnType<WorkerDeps['outbound']['send']>>;
  try {
    res = await deps.outbound.send({ timeoutMs: deps.env.WEBHOOK_TIMEOUT_SECONDS * 1000, ...req });
  } catch (err) {
    if (isOutboundError(err) && !err.retriable) {
      throw new NonRetriableError(`${what}: ${err.code}: ${err.message}`, { cause: err });
    }
    throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const answer: HttpAnswer = {
    status: res.status,
    headers: res.headers,
    body: parseAnswerBody(res.body, res.headers['content-type']),
  };
  if (res.status >= 200 && res.status < 300) return answer;
  const message = `${what}: HTTP ${res.status}`;
  if (res.status === 429) {
    throw new RetryAfterError(message, parseRetryAfter(res.headers['retry-after'], new Date()), {
      response: answer,
    });
  }
  if (res.status >= 400 && res.status < 500 && res.status !== 408) {
    throw new NonRetriableError(message, { response: answer });
  }
  throw Object.assign(new Error(message), { response: answer });
}
