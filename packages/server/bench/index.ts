// Trigger matching: what an event costs in an account with 10,000 workflows that do not match it, against the same
// account with 10. The goal (issue 5): at most 1.5× — workflows are found through the trigger index, not scanned.
// `node bench/index.ts [--rounds 5] [--events 500] [--workflows 10000]` from packages/server, or `pnpm bench server`
// (BENCH_ROUNDS, BENCH_INGEST_EVENTS and BENCH_WORKFLOWS set the same). With BENCH_SUMMARY_DIR set (`pnpm bench`
// sets it), the figures are also written there as server.json for the summary table.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  closeServerDeps,
  createAccount,
  createLogger,
  createServerDeps,
  type Env,
  findTriggeredWorkflows,
  listen,
  parseEnv,
  type StoredEvent,
} from '@switchyard/server';
import { benchPostgres, dropBenchDatabases, freshDatabase, median, pool } from '@switchyard/server/bench';
// The embedded PostgreSQL is the worker package's (`switchyard start` runs it); the bench borrows it.
import { startEmbeddedPostgres } from '@switchyard/worker/embedded';
import { uuidv7 } from 'uuidv7';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS || '5' },
    events: { type: 'string', default: process.env.BENCH_INGEST_EVENTS || '500' },
    workflows: { type: 'string', default: process.env.BENCH_WORKFLOWS || '10000' },
  },
});
const rounds = Number(values.rounds);
const n = Number(values.events);
const many = Number(values.workflows);
const few = 10;
const clients = 16;

// Event types the workflows listen on: everything but deal.updated (and no `deal.*` / `*`), so none matches.
const OTHER_TYPES = [
  'contact.created',
  'contact.updated',
  'task.created',
  'task.completed',
  'email.opened',
  'email.clicked',
  'meeting.scheduled',
  'form.submitted',
  'deal.created',
  'deal.won',
  'contact.*',
  'task.*',
];

/** A server on its own database whose account has `count` published workflows, none triggered by deal.updated. */
async function account(serverUrl: string, count: number) {
  const { url } = await freshDatabase(serverUrl, `triggers_${count}`);
  const env = parseEnv({
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_POINTS: '100000000',
    // The workflows' Webhook node points at loopback (never called: no event matches them), so that saving one
    // resolves no name and nothing but this machine is ever contacted.
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  }) as Env & { DATABASE_URL: string };
  const deps = await createServerDeps(env, createLogger('silent', 'bench'), { poolSize: 20 });
  const { account: acc, apiKey } = await createAccount(deps.orm.em.fork(), { name: 'Bench' });
  const server = await listen(deps, '127.0.0.1', 0);
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${server.url}${p}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`POST ${p} → ${res.status} ${text}`);
    return JSON.parse(text) as { data: { id: string } };
  };
  // One workflow through the API (so its shape is the real one), then copies with other triggers in bulk.
  const first = await post('/v1/workflows', {
    name: 'seed',
    event_trigger: 'contact.created',
    template_status: 'published',
    template: {
      nodes: [
        { id: 'start', type: 'Start' },
        { id: 'hook', type: 'Webhook', url: 'http://127.0.0.1:9/hook', params: 'name: {{contact.name}}' },
      ],
      edges: ['start-hook'],
    },
  });
  const em = deps.orm.em.fork();
  for (let i = 1; i < count; i += 1000) {
    const ids = Array.from({ length: Math.min(1000, count - i) }, (_, k) => i + k);
    await em.execute(
      `insert into workflows (id, account_id, key, user_key, name, enabled, disabled_reason, auto_start,
         template_status, template, template_draft, event_trigger, event_trigger_draft, trigger_keys,
         actions_count, last_published_at, created_at, updated_at)
       select x.id::uuid, w.account_id, 'wf_' || x.n, w.user_key, 'Workflow ' || x.n, true, null, true,
         'published', w.template, w.template_draft, x.t, x.t, array[x.t], w.actions_count, now(), now(), now()
       from workflows w, unnest(?::uuid[], ?::int[], ?::text[]) as x(id, n, t)
       where w.id = ?`,
      [
        `{${ids.map(() => uuidv7()).join(',')}}`,
        `{${ids.join(',')}}`,
        `{${ids.map((k) => `"${OTHER_TYPES[k % OTHER_TYPES.length]}"`).join(',')}}`,
        first.data.id,
      ],
    );
  }
  await em.execute('analyze workflows');
  let seq = 0;
  const event = () => {
    seq++;
    return { type: 'deal.updated', data: { id: `d${seq % 500}`, seq, status: 'open' } };
  };
  const stored = (): StoredEvent => ({
    id: uuidv7(),
    accountId: acc.id,
    type: 'deal.updated',
    entity: 'deal',
    entityId: 'd1',
    data: { id: 'd1', status: 'won' },
    previous: { id: 'd1', status: 'open' },
    userKey: 'main',
    occurredAt: new Date(),
    causedBy: [],
  });
  return {
    /** Events per second through `POST /v1/events`. */
    async ingest(): Promise<number> {
      const start = performance.now();
      await pool(n, clients, async () => {
        await post('/v1/events', event());
      });
      return n / ((performance.now() - start) / 1000);
    },
    /** Median microseconds of one trigger lookup (the query the event consumer runs). */
    async lookup(): Promise<number> {
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        const found = await findTriggeredWorkflows(deps.orm.em.fork(), stored());
        times.push((performance.now() - t0) * 1000);
        if (found.length !== 0) throw new Error(`expected no matching workflow, found ${found.length}`);
      }
      return median(times);
    },
    async stop() {
      await server.close();
      await closeServerDeps(deps);
    },
  };
}

const pg = await benchPostgres(startEmbeddedPostgres);
try {
  const small = await account(pg.serverUrl, few);
  const large = await account(pg.serverUrl, many);
  // Warm-up (JIT, connections, plans).
  await small.ingest();
  await large.ingest();
  const ingest: Record<'small' | 'large', number[]> = { small: [], large: [] };
  const lookup: Record<'small' | 'large', number[]> = { small: [], large: [] };
  for (let r = 0; r < rounds; r++) {
    // Interleaved, so the machine's noise hits both alike.
    ingest.small.push(await small.ingest());
    ingest.large.push(await large.ingest());
    lookup.small.push(await small.lookup());
    lookup.large.push(await large.lookup());
  }
  await small.stop();
  await large.stop();
  const costRatio = median(ingest.small) / median(ingest.large);
  const lookupRatio = median(lookup.large) / median(lookup.small);
  console.log(`trigger matching: deal.updated events, none matching, ${n} events × ${rounds} rounds`);
  console.log('');
  console.log(`| account | POST /v1/events median events/s | trigger lookup median µs |`);
  console.log('| --- | ---: | ---: |');
  console.log(
    `| ${few} workflows | ${median(ingest.small).toFixed(0)} | ${median(lookup.small).toFixed(0)} |`,
  );
  console.log(
    `| ${many} workflows | ${median(ingest.large).toFixed(0)} | ${median(lookup.large).toFixed(0)} |`,
  );
  console.log('');
  console.log(`cost of an event with ${many} vs ${few} workflows: ${costRatio.toFixed(2)}× (goal ≤ 1.50×)`);
  console.log(`trigger lookup alone: ${lookupRatio.toFixed(2)}×`);
  const dir = process.env.BENCH_SUMMARY_DIR;
  if (dir) {
    const summary: ServerSummary = {
      workflows: many,
      few,
      costRatio,
      ingestPerSec: { few: median(ingest.small), many: median(ingest.large) },
    };
    writeFileSync(path.join(dir, 'server.json'), JSON.stringify(summary, null, 2));
  }
} finally {
  await dropBenchDatabases(pg.serverUrl);
  await pg.stop();
}

/** What `pnpm bench` reads from this bench. */
export interface ServerSummary {
  workflows: number;
  few: number;
  /** Cost of an event with `workflows` non-matching workflows over the cost with `few` (events/s few ÷ many). */
  costRatio: number;
  ingestPerSec: { few: number; many: number };
}
