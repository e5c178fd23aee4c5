// Prints the README's client sections (Use from TypeScript, Verify webhook deliveries, Use over REST) with the
// snippets cut from the examples, for packages/client/README.md and the repository README:
//   node packages/client/scripts/readme-sections.ts > sections.md
import { readmeSnippets } from './readmeSnippets.ts';

const s = readmeSnippets();
const fence = '```';
process.stdout.write(`## Use from TypeScript

\`@switchyard/client\` is typed from the server's router: every API procedure is a method, inputs and results are
typed end to end, and a router the server adds shows up in the client with no client code (\`pnpm build\` regenerates
the map of procedures the client calls, \`src/procedures.ts\`, from the router). The package installs alone: its one
declaration file has the router's type inlined, and it depends only on \`@trpc/client\`, \`@trpc/server\` and \`ky\`.

${fence}ts
import { createClient, SwitchyardError } from '@switchyard/client';

const baseUrl = 'http://127.0.0.1:3000';
const apiKey = process.env.SWITCHYARD_API_KEY!;
${fence}

${fence}ts
${s.typescript.code}
${fence}

- Calls resolve to the resource (the \`{ data }\` envelope removed); lists resolve to \`{ data, meta }\` and every
  paginated \`list…\` also has a \`list…All\` async iterator (or use \`paginate(client.users.list, input)\`).
- Mutations send an automatic \`Idempotency-Key\`, the same on every retry of that call; pass
  \`{ idempotencyKey }\` as the second argument to choose your own (\`life-…\` keys never expire).
- Requests go through [ky](https://github.com/sindresorhus/ky): network errors, timed-out attempts, 5xx and 429
  are retried with exponential backoff (429 and 503 wait for \`Retry-After\`, unless it asks for more than
  \`maxRetryAfterMs\`); other 4xx never. Tune with \`maxRetries\`, \`timeoutMs\` (per attempt), \`baseDelayMs\`,
  \`maxDelayMs\` in \`createClient\`; pass ky \`hooks\` (\`beforeRequest\`, \`beforeRetry\`, \`afterResponse\`,
  \`beforeError\`) to log, trace or add headers.
- Errors are \`SwitchyardError\` with \`code\` (\`not_found\`, \`validation_error\`, … or \`network_error\`/\`timeout\`),
  \`status\`, \`requestId\`, \`details\` and the answer's \`headers\` (\`Retry-After\`, \`X-RateLimit-*\`).

### Verify webhook deliveries

Deliveries follow [Standard Webhooks](https://www.standardwebhooks.com), so any Standard Webhooks library verifies
them. With the client, a Node \`http\` receiver (\`secret\` is the webhook's signing secret, or an array of them
while a secret rotates; \`onEvent\` is your handler):

${fence}ts
import http from 'node:http';
import {
  type VerifiedWebhook,
  verifyNodeRequest,
  type WebhookEvent,
  WebhookVerificationError,
} from '@switchyard/client';
${fence}

${fence}ts
${s.verify.code}
${fence}

Express: mount \`express.raw({ type: '*/*' })\` on the route and call \`verifyExpressRequest(req, secret)\`. Fetch API
handlers (Next.js route handlers, Hono, Bun, Deno, Workers): \`await verifyFetchRequest(request, secret)\`. For
non-JSON content types, \`verifyWebhookSignature(rawBody, headers, secret)\` checks the signature only. \`event.type\`
narrows \`event\` to the catalog's types; pass your own map for typed data:
\`verifyWebhook<WebhookEvent<EventDataMap & { 'deal.won': Deal }>>(…)\`.

## Use over REST

Every procedure is also a REST route under \`/v1\`, described by the OpenAPI 3.1 document at \`GET /openapi.json\` (the
reference page is \`GET /docs\`). Generate a client for any stack from it; in TypeScript:

${fence}sh
npx openapi-typescript http://127.0.0.1:3000/openapi.json -o switchyard.d.ts
npm install openapi-fetch
${fence}

${fence}ts
import createClient from 'openapi-fetch';
import type { paths } from './switchyard.d.ts';
${fence}

${fence}ts
${s.rest.code}
${fence}

Authenticate with \`Authorization: Bearer <key>\` or \`x-api-key: <key>\`. Successes are \`{ "data": … }\`; errors are
\`{ "error": { "code", "message", "request_id", "details" } }\`; every response has \`X-Request-ID\`, and 429s carry
\`Retry-After\`.
`);
