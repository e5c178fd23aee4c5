import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '@switchyard/core';
import type pg from 'pg';
import { uuidv7 } from 'uuidv7';
import type { SecretBox } from '../crypto/secretBox.ts';
import { coalesced } from '../db/coalesce.ts';
import { run, runOne } from '../db/statement.ts';
import { AppError } from '../errors.ts';
import { CLAIM, DELETE_EXPIRED, READ, RECORD, RELEASE, TAKE_OVER } from './sql.ts';

/** What an idempotent call is about. */
export interface IdempotentCall {
  accountId: string;
  key: string;
  operation: string;
  input: unknown;
  ttlHours: number;
  /**
   * How long a claim holds: longer than any request's work (its outbound calls time out well before). A duplicate
   * waits at most this long; a claim whose process died is taken over after it.
   */
  leaseMs: number;
}

/** Where records live and how responses are sealed; `now` and `sleep` are swappable for tests. */
export interface IdempotencyStore {
  pool: pg.Pool;
  box: SecretBox;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** The outcome of claiming a key: do the work (then record or release it), or replay what the first call answered. */
export type Claim = { kind: 'claimed'; id: string; token: string } | { kind: 'replay'; response: unknown };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface NewClaim {
  id: string;
  accountId: string;
  key: string;
  operation: string;
  hash: string;
  at: Date;
  expiresAt: Date | null;
  token: string;
  lockedUntil: Date;
}

interface Sealed {
  id: string;
  token: string;
  sealed: string;
}

/**
 * Claims and records of one pool, group-committed: under concurrency, the claims (and the records) of many calls
 * go in one statement. Each call still learns its own outcome, and none waits when it is alone.
 */
const batchesOf = new WeakMap<
  pg.Pool,
  { claim: (c: NewClaim) => Promise<boolean>; record: (r: Sealed) => Promise<void> }
>();

function batches(pool: pg.Pool) {
  let b = batchesOf.get(pool);
  if (!b) {
    b = {
      claim: coalesced(async (cs: NewClaim[]) => {
        const claimed = new Set(
          (
            await run(pool, CLAIM, [
              cs.map((c) => c.id),
              cs.map((c) => c.accountId),
              cs.map((c) => c.key),
              cs.map((c) => c.operation),
              cs.map((c) => c.hash),
              cs.map((c) => c.at),
              cs.map((c) => c.expiresAt),
              cs.map((c) => c.token),
              cs.map((c) => c.lockedUntil),
            ])
          ).map((r) => r.id),
        );
        return cs.map((c) => claimed.has(c.id));
      }),
      record: coalesced(async (rs: Sealed[]) => {
        await run(pool, RECORD, [rs.map((r) => r.id), rs.map((r) => r.token), rs.map((r) => r.sealed)]);
        return rs.map(() => undefined);
      }),
    };
    batchesOf.set(pool, b);
  }
  return b;
}

/**
 * Claims (account, key, operation) for this call, each step a single statement outside any transaction: a new key
 * is claimed at once; a key another call holds is waited for (polling, no connection held) until that call records
 * its response — replayed here — or releases it, or its lease lapses and this call takes over. An expired record
 * is removed and the key claimed anew. The same key with another body is 409 `idempotency_conflict`.
 */
function checkKey(key: string): void {
  if (key.length > 255)
    throw new AppError('validation_error', 'Idempotency-Key is longer than 255 characters', [
      { path: 'Idempotency-Key', message: 'at most 255 characters' },
    ]);
}

const hashOf = (input: unknown) =>
  createHash('sha256')
    .update(canonicalJson(input ?? null))
    .digest('hex');

function expiryOf(call: IdempotentCall, t: Date): Date | null {
  return call.key.startsWith('life-') ? null : new Date(t.getTime() + call.ttlHours * 3_600_000);
}

export async function claimIdempotencyKey(store: IdempotencyStore, call: IdempotentCall): Promise<Claim> {
  checkKey(call.key);
  return claimWith(store, call, hashOf(call.input), randomUUID());
}

async function claimWith(
  store: IdempotencyStore,
  call: IdempotentCall,
  hash: string,
  token: string,
): Promise<Claim> {
  const now = store.now ?? (() => new Date());
  const sleep = store.sleep ?? sleepFor;

  const giveUpAt = now().getTime() + 2 * call.leaseMs;
  for (let round = 0; ; round++) {
    const t = now();
    // Unreachable unless claims keep changing hands: a waiting call takes over once the holder's lease lapses.
    if (t.getTime() > giveUpAt) {
      throw new AppError(
        'idempotency_conflict',
        `A request with the Idempotency-Key "${call.key}" is still being processed: retry later`,
        [{ path: 'Idempotency-Key', message: 'still in progress' }],
      );
    }
    const lockedUntil = new Date(t.getTime() + call.leaseMs);
    const expiresAt = expiryOf(call, t);
    const id = uuidv7();
    const claimed = await batches(store.pool).claim({
      id,
      accountId: call.accountId,
      key: call.key,
      operation: call.operation,
      hash,
      at: t,
      expiresAt,
      token,
      lockedUntil,
    });
    if (claimed) return { kind: 'claimed', id, token };
    const row = await runOne(store.pool, READ, [call.accountId, call.key, call.operation, t]);
    if (!row) continue; // released since: claim again
    if (row.expired) {
      await run(store.pool, DELETE_EXPIRED, [row.id, t]);
      continue;
    }
    if (row.request_hash !== hash) {
      throw new AppError(
        'idempotency_conflict',
        `The Idempotency-Key "${call.key}" was already used with a different request body`,
        [{ path: 'Idempotency-Key', message: 'already used with a different request body' }],
      );
    }
    if (row.response_sealed !== null)
      return { kind: 'replay', response: JSON.parse(store.box.open(row.response_sealed)) };
    if (row.response !== null) return { kind: 'replay', response: row.response };
    if (row.lapsed) {
      const taken = await runOne(store.pool, TAKE_OVER, [row.id, token, lockedUntil, t]);
      if (taken) return { kind: 'claimed', id: row.id, token };
      continue;
    }
    // The first call is still working: look again soon, backing off to a few checks a second.
    await sleep(Math.min(10 * 2 ** Math.min(round, 5), 250));
  }
}

/** Records the response of a claimed call, sealed, for replays. */
export async function recordIdempotentResponse(
  store: IdempotencyStore,
  claim: { id: string; token: string },
  response: unknown,
): Promise<void> {
  const sealed = store.box.seal(JSON.stringify(response ?? null));
  await batches(store.pool).record({ id: claim.id, token: claim.token, sealed });
}

/** Gives a claim up (the call failed: a failure is not remembered, and the next call with the key does the work). */
export async function releaseIdempotencyKey(
  store: IdempotencyStore,
  claim: { id: string; token: string },
): Promise<void> {
  await run(store.pool, RELEASE, [claim.id, claim.token]);
}

/** A claim and its recorded response, for a statement that writes them with the work itself (see {@link IdempotencyCharge}). */
export interface StatementClaim {
  id: string;
  key: string;
  operation: string;
  requestHash: string;
  createdAt: Date;
  expiresAt: Date | null;
  token: string;
  /** The response, sealed. */
  sealed: string;
}

/**
 * Thrown by {@link IdempotencyCharge.claimAlone} when the key's first call answered already: its response, which
 * the middleware answers with (an Error, so that tRPC keeps it as the failure's cause).
 */
export class IdempotentReplay extends Error {
  readonly response: unknown;
  constructor(response: unknown) {
    super('the Idempotency-Key was answered before: replayed');
    this.name = 'IdempotentReplay';
    this.response = response;
  }
}

/**
 * An idempotent call on a route that can write its claim with its work (`idempotencyInStatement`): when the work's
 * answer is known before the statement that does it (events whose ids are chosen here), the claim goes into that
 * statement with the answer already recorded, so the call costs one statement instead of three; the statement does
 * the work only if the claim is new. Otherwise the route claims first, the usual way ({@link claimAlone}), and the
 * middleware records or releases as for any route.
 */
export class IdempotencyCharge {
  /** `open`: nothing claimed yet; `recorded`: a statement claimed the key with the answer; `claimed`: the usual way. */
  state: 'open' | 'recorded' | 'claimed' = 'open';
  /** The claim made the usual way, to record or release. */
  claim: { id: string; token: string } | null = null;
  private readonly store: IdempotencyStore;
  private readonly call: IdempotentCall;
  private readonly hash: string;
  private readonly token = randomUUID();

  constructor(store: IdempotencyStore, call: IdempotentCall) {
    checkKey(call.key);
    this.store = store;
    this.call = call;
    this.hash = hashOf(call.input);
  }

  /** The claim a statement writes with its work, `response` (what the call will answer) sealed in it. */
  inStatement(response: unknown): StatementClaim {
    const t = (this.store.now ?? (() => new Date()))();
    return {
      id: uuidv7(),
      key: this.call.key,
      operation: this.call.operation,
      requestHash: this.hash,
      createdAt: t,
      expiresAt: expiryOf(this.call, t),
      token: this.token,
      sealed: this.store.box.seal(JSON.stringify(response ?? null)),
    };
  }

  /** The statement wrote the claim: the answer is recorded. */
  recorded(): void {
    this.state = 'recorded';
  }

  /**
   * Claims the key the usual way, before the work (a statement found it taken, or the work cannot take the claim):
   * waits for a concurrent first call, and throws {@link IdempotentReplay} with its answer once there is one.
   */
  async claimAlone(): Promise<void> {
    if (this.state !== 'open') return;
    const claim = await claimWith(this.store, this.call, this.hash, this.token);
    if (claim.kind === 'replay') throw new IdempotentReplay(claim.response);
    this.state = 'claimed';
    this.claim = claim;
  }
}
