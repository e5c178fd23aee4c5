import type { EventSubscriber } from '@mikro-orm/core';
import pg from 'pg';
import type { AuthAccount } from '../context.ts';
import { Account, ApiKey } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';

/** What a resolved API key gives a request, kept by the key's hash. */
export interface CachedKey {
  keyId: string;
  kind: string;
  scopes: string[];
  /** The key's account, mapped once from the statement's row and shared by the requests that present the key. */
  account: AuthAccount;
  /** `last_used_at` as this process last read or wrote it. */
  lastUsedAt: Date | null;
}

const MAX_KEYS = 10_000;
const RECONNECT_MS = 1_000;

/**
 * The API keys a server process resolved, so a request costs no key lookup: every key and account change raises a
 * NOTIFY on `switchyard_auth` (a trigger, migration authNotify), and on it this process forgets every key. Keys are
 * kept only while the LISTEN connection is up; a lookup that began before the last notice is not kept (it may hold
 * what the notice replaced). The changes this process makes through the ORM are forgotten at once as well, before
 * their request answers (see `forgetAll`).
 */
export class AuthCache {
  private readonly keys = new Map<string, CachedKey>();
  private listener: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private generation = 0;

  private readonly config: pg.ClientConfig;

  constructor(config: pg.ClientConfig) {
    this.config = config;
    this.connect();
  }

  /** The key cached under `hash`, if any. */
  get(hash: string): CachedKey | undefined {
    return this.listening ? this.keys.get(hash) : undefined;
  }

  /** A token to pass to {@link put}: taken before the lookup whose result will be kept. */
  begin(): number {
    return this.generation;
  }

  /** Keeps a key resolved by a lookup that began at `token`, unless something changed since. */
  put(hash: string, key: CachedKey, token: number): void {
    if (!this.listening || token !== this.generation) return;
    if (this.keys.size >= MAX_KEYS) this.keys.clear();
    this.keys.set(hash, key);
  }

  /** Forgets every key (a key or an account changed). */
  forgetAll(): void {
    this.generation++;
    this.keys.clear();
  }

  private connect(): void {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    this.listener = client;
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = null;
      this.listening = false;
      this.forgetAll();
      client.removeAllListeners();
      client.on('error', () => {});
      client.end().catch(() => {});
      if (this.closed) return;
      setTimeout(() => this.connect(), RECONNECT_MS).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => this.forgetAll());
    client
      .connect()
      .then(() => client.query('listen switchyard_auth'))
      .then(() => {
        if (this.listener !== client) return;
        // Whatever changed before the LISTEN took effect was never announced to this process.
        this.forgetAll();
        this.listening = true;
      })
      .catch(() => lost());
  }

  /** Ends the LISTEN connection; nothing is cached from then on. */
  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    this.forgetAll();
    const client = this.listener;
    this.listener = null;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
  }
}

const caches = new WeakMap<pg.Pool, AuthCache>();

// This process's own changes to keys and accounts through the ORM: forgotten when written (before the commit) and
// again once the flush is done (after it, when the flush ran its own transaction), so the request that revoked a
// key answers only after no request of this process can pass with it. Other processes hear the NOTIFY.
function forgetOnOwnChanges(cache: AuthCache): EventSubscriber {
  const ours = (name: string | undefined) => name === 'ApiKey' || name === 'Account';
  return {
    getSubscribedEntities: () => [ApiKey, Account],
    afterUpdate: () => cache.forgetAll(),
    afterDelete: () => cache.forgetAll(),
    afterFlush: ({ uow }) => {
      if (uow.getChangeSets().some((cs) => ours(cs.meta.className))) cache.forgetAll();
    },
  };
}

/** The key cache of the process's pool (one per server process), opened on first use. */
export function authCacheOf(pool: pg.Pool, em: EntityManager): AuthCache {
  let cache = caches.get(pool);
  if (!cache) {
    cache = new AuthCache({ ...(pool.options as pg.ClientConfig), keepAlive: true });
    caches.set(pool, cache);
    em.getEventManager().registerSubscriber(forgetOnOwnChanges(cache));
  }
  return cache;
}

/** Closes the pool's key cache, if it has one (when the process's dependencies close). */
export async function closeAuthCache(pool: pg.Pool): Promise<void> {
  const cache = caches.get(pool);
  caches.delete(pool);
  await cache?.close();
}
