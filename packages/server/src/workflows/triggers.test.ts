import { uuidv7 } from 'uuidv7';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/service.ts';
import type { EntityManager } from '../db/orm.ts';
import type { StoredEvent } from '../events/consumers.ts';
import { serverForFile } from '../testing/index.ts';
import { findTriggeredWorkflows, lookupKeysOf } from './triggers.ts';

const srv = serverForFile();
let otherAccountId: string;
beforeAll(async () => {
  otherAccountId = (await createAccount(srv.deps.orm.em.fork(), { name: 'Other' })).account.id;
});

interface Row {
  accountId?: string;
  name: string;
  keys: string[];
  conditions?: unknown;
  enabled?: boolean;
  /** 'draft' here means never published: no published template. */
  status?: 'draft' | 'published';
  deleted?: boolean;
  userKey?: string;
}

async function insert(em: EntityManager, rows: Row[]): Promise<void> {
  const values = rows
    .map(() => `(?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::text[], ?::jsonb, now(), now(), ?)`)
    .join(', ');
  await em.execute(
    `insert into workflows (id, account_id, key, user_key, name, enabled, template_status, template, trigger_keys,
       trigger_conditions, created_at, updated_at, deleted_at) values ${values}`,
    rows.flatMap((r) => [
      uuidv7(),
      r.accountId ?? srv.accountId,
      r.name,
      r.userKey ?? 'main',
      r.name,
      r.enabled ?? true,
      r.status ?? 'published',
      r.status === 'draft' ? null : '{"nodes":[],"edges":[]}',
      `{${r.keys.join(',')}}`,
      r.conditions === undefined ? null : JSON.stringify(r.conditions),
      r.deleted ? new Date() : null,
    ]),
  );
}

function event(type: string, data: Record<string, unknown>, extra: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id: uuidv7(),
    accountId: srv.accountId,
    type,
    entity: type.split('.')[0] ?? null,
    entityId: null,
    data,
    previous: null,
    userKey: 'main',
    occurredAt: new Date(),
    causedBy: [],
    ...extra,
  };
}

describe('findTriggeredWorkflows', () => {
  beforeAll(async () => {
    const em = srv.deps.orm.em.fork();
    // 3,000 workflows that never match the events below, spread over other types and entities.
    const noise: Row[] = [];
    for (let i = 0; i < 3_000; i++) {
      const types = [
        'contact.created',
        'task.completed',
        'meeting.scheduled',
        'email.opened',
        'form.submitted',
      ];
      noise.push({ name: `noise ${i}`, keys: [types[i % types.length] as string] });
    }
    for (let i = 0; i < noise.length; i += 500) await insert(em, noise.slice(i, i + 500));
    await insert(em, [
      { name: 'exact', keys: ['deal.updated'] },
      {
        name: 'entity rule',
        keys: ['deal.*'],
        conditions: { field: 'status', operator: 'changed_to', value: 'won' },
      },
      { name: 'everything', keys: ['*'] },
      { name: 'empty hash', keys: ['deal.updated'], conditions: {} },
      {
        name: 'big deals',
        keys: ['deal.updated'],
        conditions: { field: 'value', operator: 'greater_than', value: 1000 },
      },
      { name: 'draft', keys: ['deal.updated'], status: 'draft' },
      { name: 'disabled', keys: ['deal.updated'], enabled: false },
      { name: 'deleted', keys: ['deal.updated'], deleted: true },
      { name: 'other user', keys: ['deal.updated'], userKey: 'user-2' },
      { name: 'other type', keys: ['deal.created'] },
      { name: 'other account', keys: ['deal.updated'], accountId: otherAccountId },
    ]);
  });

  it('returns exactly the enabled, published workflows of the account and user whose keys and conditions match', async () => {
    const em = srv.deps.orm.em.fork();
    const won = event(
      'deal.updated',
      { status: 'won', value: 5000 },
      { previous: { status: 'open', value: 5000 } },
    );
    const names = (await findTriggeredWorkflows(em, won)).map((w) => w.name).sort();
    expect(names).toEqual(['big deals', 'empty hash', 'entity rule', 'everything', 'exact']);

    const small = event(
      'deal.updated',
      { status: 'open', value: 10 },
      { previous: { status: 'open', value: 5 } },
    );
    expect((await findTriggeredWorkflows(em, small)).map((w) => w.name).sort()).toEqual([
      'empty hash',
      'everything',
      'exact',
    ]);

    // Another user's events start only that user's workflows.
    const u2 = event('deal.updated', { status: 'open' }, { userKey: 'user-2' });
    expect((await findTriggeredWorkflows(em, u2)).map((w) => w.name).sort()).toEqual(['other user']);

    // The other account sees only its own.
    const other = event('deal.updated', { status: 'open' }, { accountId: otherAccountId });
    expect((await findTriggeredWorkflows(em, other)).map((w) => w.name)).toEqual(['other account']);
  });

  it('returns managed Workflow entities with their published trigger conditions', async () => {
    const em = srv.deps.orm.em.fork();
    const won = event('deal.won', { status: 'won' }, { previous: { status: 'lost' } });
    const found = await findTriggeredWorkflows(em, won);
    expect(found.map((w) => w.name).sort()).toEqual(['entity rule', 'everything']);
    const rule = found.find((w) => w.name === 'entity rule');
    expect(rule?.triggerKeys).toEqual(['deal.*']);
    expect(rule?.accountId).toBe(srv.accountId);
    expect(rule?.createdAt).toBeInstanceOf(Date);
  });

  it('is planned through the GIN index on its own, with no planner settings changed', async () => {
    const em = srv.deps.orm.em.fork();
    await em.execute('analyze workflows');
    const plan = await em.execute<{ 'QUERY PLAN': string }[]>(
      `explain select * from workflows
       where trigger_keys && ?::text[]
         and enabled and deleted_at is null and template is not null
         and account_id = ? and user_key = ?`,
      [`{${lookupKeysOf({ type: 'deal.updated', entity: 'deal' }).join(',')}}`, srv.accountId, 'main'],
    );
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('workflows_trigger_keys_index');
  });
});
