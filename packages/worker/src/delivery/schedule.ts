/** How webhook deliveries are retried, parsed from the environment once. */
export interface RetryPolicy {
  /** Delay before each attempt, in ms; `[0]` is the first attempt. Its length is the number of attempts. */
  delaysMs: number[];
  /** Each retry delay moves by up to this fraction either way. */
  jitter: number;
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterMs: number;
}

/** The retry policy of an environment. */
export function retryPolicyFromEnv(env: {
  /** Already parsed into milliseconds by env.ts. */
  WEBHOOK_RETRY_SCHEDULE: readonly number[];
  WEBHOOK_RETRY_JITTER: number;
  WEBHOOK_DISABLE_AFTER_DAYS: number;
}): RetryPolicy {
  return {
    delaysMs: [...env.WEBHOOK_RETRY_SCHEDULE],
    jitter: env.WEBHOOK_RETRY_JITTER,
    disableAfterMs: env.WEBHOOK_DISABLE_AFTER_DAYS * 86_400_000,
  };
}

/**
 * The delay before the next attempt after `attemptsDone` attempts, or null when the schedule is exhausted.
 * `random` in [0, 1) picks the jitter; `atLeastMs` (a 429's Retry-After) raises the delay.
 */
export function nextRetryDelay(
  policy: RetryPolicy,
  attemptsDone: number,
  random: number,
  atLeastMs = 0,
): number | null {
  const base = policy.delaysMs[attemptsDone];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 + policy.jitter * (2 * random - 1)));
  return Math.max(jittered, atLeastMs);
}

/** Longest Retry-After honoured: a receiver cannot park a delivery for longer than a day. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), capped at a day; 0 when absent or bad. */
export function parseRetryAfter(value: string | undefined, now: Date): number {
  if (!value) return 0;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now.getTime();
  if (!Number.isFinite(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
