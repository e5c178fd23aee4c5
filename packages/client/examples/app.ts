// An example host app, end to end: it subscribes a webhook to itself, reports an event, receives and verifies the
// signed delivery, then creates a workflow and triggers it. examples/app.test.ts runs it against the real server and
// worker. Run it by hand against `pnpm start` with:
//   SWITCHYARD_URL=http://127.0.0.1:3000 SWITCHYARD_API_KEY=sk_live_… node packages/client/examples/app.ts
// (the server must allow deliveries to this machine: OUTBOUND_ALLOW_HTTP=true OUTBOUND_ALLOWLIST=127.0.0.1).
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createClient,
  verifyNodeRequest,
  type WebhookEvent,
  WebhookVerificationError,
} from '@switchyard/client';

/** One request the app received: a verified delivery, or a call from a workflow's Webhook node. */
export type Received =
  | { kind: 'delivery'; id: string; event: WebhookEvent }
  | { kind: 'workflow_call'; body: unknown; headers: http.IncomingHttpHeaders };

/** What one run of the example did, for the test (and the curious reader) to check. */
export interface AppRun {
  webhookId: string;
  eventId: string;
  delivery: Extract<Received, { kind: 'delivery' }>;
  workflowId: string;
  executionIds: string[];
  workflowCall: Extract<Received, { kind: 'workflow_call' }>;
}

/** A tiny inbox: resolves the first received item that matches, waiting up to `timeoutMs`. */
class Inbox {
  readonly items: Received[] = [];
  #waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  push(item: Received) {
    this.items.push(item);
    const [ready, waiting] = [
      this.#waiters.filter((w) => w.match(item)),
      this.#waiters.filter((w) => !w.match(item)),
    ];
    this.#waiters = waiting;
    for (const w of ready) w.resolve(item);
  }

  next<K extends Received['kind']>(kind: K, timeoutMs: number): Promise<Extract<Received, { kind: K }>> {
    const match = (r: Received) => r.kind === kind;
    const found = this.items.find(match);
    if (found) return Promise.resolve(found as Extract<Received, { kind: K }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${kind} within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r as Extract<Received, { kind: K }>);
        },
      });
    });
  }
}

/** Runs the example against a Switchyard server; `timeoutMs` bounds each wait for an incoming request. */
export async function runExampleApp(opts: {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
}): Promise<AppRun> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const switchyard = createClient({ baseUrl: opts.baseUrl, apiKey: opts.apiKey });
  const inbox = new Inbox();
  // The signing secret arrives with the webhook's creation response; a real app keeps it in its configuration.
  let webhookSecret: string | undefined;

  // The host app's own HTTP server: Switchyard's deliveries on one path, the workflow's calls on another.
  const server = http.createServer(async (req, res) => {
    if (req.url === '/switchyard/webhooks') {
      if (!webhookSecret) return void res.writeHead(503).end();
      try {
        const delivery = await verifyNodeRequest(req, webhookSecret);
        inbox.push({ kind: 'delivery', id: delivery.id, event: delivery.event });
        return void res.writeHead(204).end();
      } catch (err) {
        return void res
          .writeHead(400)
          .end(err instanceof WebhookVerificationError ? err.reason : 'bad_request');
      }
    }
    if (req.url?.startsWith('/workflow/welcome')) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      inbox.push({ kind: 'workflow_call', body: text ? JSON.parse(text) : null, headers: req.headers });
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  try {
    // 1. Subscribe to our own contacts' events. The secret is shown this once.
    const { webhook } = await switchyard.webhooks.create({
      url: `${self}/switchyard/webhooks`,
      events: ['contact.*'],
      description: 'example app: contacts',
    });
    webhookSecret = webhook.secret;

    // 2. Report what happened; Switchyard answers at once and delivers in the background.
    const accepted = await switchyard.events.create({
      type: 'contact.created',
      data: { id: 'c_1', first_name: 'Ada', email: 'ada@example.com' },
    });

    // 3. The signed delivery arrives and verifies against the secret.
    const delivery = await inbox.next('delivery', timeoutMs);

    // 4. A workflow: when a contact is created, call our welcome endpoint with merge tokens filled.
    const workflow = await switchyard.workflows.create({
      name: 'Welcome new contacts',
      event_trigger: 'contact.created',
      template: {
        nodes: [
          { id: 'start', type: 'Start', name: 'Contact created' },
          {
            id: 'welcome',
            type: 'Webhook',
            name: 'Welcome',
            url: `${self}/workflow/welcome`,
            method: 'POST',
            params: 'greeting: Hello {{contact.first_name}}\nemail: {{contact.email}}',
          },
        ],
        edges: ['start-welcome'],
      },
    });
    await switchyard.workflows.publish({ id: workflow.id });

    // 5. Trigger it the seed's way: an event for the workflow, with data of our own.
    const triggered = await switchyard.trigger.trigger({
      event: 'contact.created',
      workflow_ids: [workflow.id],
      execution_data: { contact: { id: 'c_2', first_name: 'Grace', email: 'grace@example.com' } },
    });
    const workflowCall = await inbox.next('workflow_call', timeoutMs);

    return {
      webhookId: webhook.id,
      eventId: accepted.id,
      delivery,
      workflowId: workflow.id,
      executionIds: triggered.executions.flatMap((e) => (e.execution_id ? [e.execution_id] : [])),
      workflowCall,
    };
  } finally {
    server.close();
  }
}

if (import.meta.main) {
  const { SWITCHYARD_URL = 'http://127.0.0.1:3000', SWITCHYARD_API_KEY } = process.env;
  if (!SWITCHYARD_API_KEY) throw new Error('set SWITCHYARD_API_KEY (printed by the first `pnpm start`)');
  const run = await runExampleApp({ baseUrl: SWITCHYARD_URL, apiKey: SWITCHYARD_API_KEY });
  console.log(JSON.stringify(run, null, 2));
}
