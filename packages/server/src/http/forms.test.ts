import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { serverForFile } from '../testing/index.ts';

// Seed 004: "accepts form-encoded request bodies". A form is the same request as its JSON body, so the same
// validation answers it: bracket notation makes objects and lists, and each value gets the type the schema wants.
const srv = serverForFile();
const json = srv.call;

async function form(method: string, path: string, body: string | URLSearchParams) {
  const res = await fetch(`${srv.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${srv.apiKey}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: body.toString(),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('form-encoded bodies', () => {
  it('upserts a user from config[primary_color]=… and nested config[user_data][…]', async () => {
    const res = await form(
      'PUT',
      '/v1/users/ada',
      'name=Ada+Lovelace&email=ada%40example.com&config[primary_color]=%231f6feb&config[user_data][plan]=pro',
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      key: 'ada',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      config: { primary_color: '#1f6feb', logo_url: null, user_data: { plan: 'pro' } },
    });
  });

  it('creates a workflow whose template is in bracket notation, typed as its JSON twin would be', async () => {
    const body = new URLSearchParams({
      name: 'From a form',
      auto_start: 'false',
      max_triggers_per_day: '5',
      event_trigger: 'deal.won',
      'template[nodes][0][id]': 'start_of_workflow',
      'template[nodes][0][type]': 'Start',
      'template[nodes][1][id]': 'b',
      'template[nodes][1][type]': 'Webhook',
      'template[nodes][1][url]': 'https://hooks.example.com/in',
      'template[edges][]': 'start_of_workflow-b',
      'template[positions][b][x]': '200',
      'template[positions][b][y]': '600',
      'template[width]': '1500',
    });
    const res = await form('POST', '/v1/workflows', body);
    expect(res.status).toBe(201);
    const twin = await json('POST', '/v1/workflows', {
      name: 'From JSON',
      auto_start: false,
      max_triggers_per_day: 5,
      event_trigger: 'deal.won',
      template: {
        nodes: [
          { id: 'start_of_workflow', type: 'Start' },
          { id: 'b', type: 'Webhook', url: 'https://hooks.example.com/in' },
        ],
        edges: ['start_of_workflow-b'],
        positions: { b: { x: 200, y: 600 } },
        width: 1500,
      },
    });
    expect(twin.status).toBe(201);
    for (const field of ['auto_start', 'max_triggers_per_day', 'event_trigger', 'template_draft'] as const) {
      expect(res.body.data[field], field).toEqual(twin.body.data[field]);
    }
    expect(res.body.data.auto_start).toBe(false);
  });

  it('reports the same errors as JSON for the same wrong values', async () => {
    const fromForm = await form('POST', '/v1/workflows', 'name=Bad&auto_start=maybe&max_triggers_per_day=0');
    const fromJson = await json('POST', '/v1/workflows', {
      name: 'Bad',
      auto_start: 'maybe',
      max_triggers_per_day: 0,
    });
    expect(fromForm.status).toBe(400);
    expect(fromForm.body.error.code).toBe(fromJson.body.error.code);
    expect(fromForm.body.error.details).toEqual(fromJson.body.error.details);
    // A string where the schema takes a string is never turned into a number.
    const named = await form('PUT', '/v1/users/n123', 'name=123');
    expect(named.body.data.name).toBe('123');
  });

  it('sends lists of objects (a batch of events) and refuses forms past the limits', async () => {
    const batch = await form(
      'POST',
      '/v1/events/batch',
      'events[0][type]=deal.won&events[0][data][id]=d1&events[1][type]=deal.lost&events[1][data][id]=d2',
    );
    expect(batch.status).toBe(202);
    expect(batch.body.data).toHaveLength(2);
    const deep = await form('PATCH', '/v1/account', `name${'[a]'.repeat(70)}=x`);
    expect(deep.status).toBe(400);
    expect(deep.body.error).toMatchObject({
      code: 'validation_error',
      message: expect.stringMatching(/64 levels/),
    });
    const nul = await form('PATCH', '/v1/account', 'name=a%00b');
    expect(nul.status).toBe(400);
    expect(nul.body.error.details[0].path).toBe('name');
    const wide = await form('POST', '/v1/events/batch', `events[1001][type]=deal.won`);
    expect(wide.status).toBe(400);
  });
});

// Seed 004's own form, exactly as the page writes it, sent by curl (what its readers run).
const SEED_004_EXPAND = `-d "expand[]"="event_trigger"`;
const curl = existsSync('/usr/bin/curl') ? '/usr/bin/curl' : null;

describe.skipIf(!curl)('seed 004 -d forms, sent by curl as written', () => {
  async function run(args: string): Promise<unknown> {
    const script = `${curl} -s "$URL" -H "Authorization: Bearer $KEY" ${args}`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      env: { PATH: process.env.PATH ?? '', URL: `${srv.url}${path}`, KEY: srv.apiKey },
    });
    return JSON.parse(stdout);
  }
  let path = '';

  it('expands the trigger for the page\'s -d "expand[]"="event_trigger" (GET with -X, -G, and a list)', async () => {
    const wf = await json('POST', '/v1/workflows', { name: 'Expandable', event_trigger: 'deal.won' });
    const expanded = { object: 'event_trigger', id: 'deal.won', event: 'deal.won', entity: 'deal' };
    path = `/v1/workflows/${wf.body.data.id}`;
    const asBody = (await run(`-X GET ${SEED_004_EXPAND}`)) as { data: { event_trigger: unknown } };
    expect(asBody.data.event_trigger).toMatchObject(expanded);
    const asQuery = (await run(`-G ${SEED_004_EXPAND}`)) as { data: { event_trigger: unknown } };
    expect(asQuery.data.event_trigger).toMatchObject(expanded);
    path = '/v1/workflows';
    const list = (await run(`-X GET ${SEED_004_EXPAND}`)) as { data: { event_trigger: unknown }[] };
    expect(list.data.find((w) => typeof w.event_trigger === 'object')?.event_trigger).toMatchObject(expanded);
    // Without it, the trigger is its name.
    const plain = (await run('-X GET')) as { data: { event_trigger: unknown }[] };
    expect(plain.data.map((w) => w.event_trigger)).toContain('deal.won');
  });

  it("upserts a user with the page's config[primary_color] attribute as a -d form", async () => {
    path = '/v1/users/user-1';
    const user = (await run(`-X PUT -d "name"="Updated Name" -d "config[primary_color]"="#ff0000"`)) as {
      data: { name: string; config: { primary_color: string } };
    };
    expect(user.data).toMatchObject({ name: 'Updated Name', config: { primary_color: '#ff0000' } });
  });
});
