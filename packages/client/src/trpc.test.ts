import { startTestServer, type TestServer } from '@switchyard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrpcClient, isSwitchyardError, toSwitchyardError } from './trpc.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv?.close());

describe('createTrpcClient', () => {
  it('calls typed procedures with the credential current at each request', async () => {
    let credential: string | undefined;
    const client = createTrpcClient({ baseUrl: srv.url, credential: () => credential, maxRetries: 0 });
    const denied = await client.users.get.query({ key: 'main' }).catch((e: unknown) => e);
    const err = toSwitchyardError(denied as Parameters<typeof toSwitchyardError>[0]);
    if (!isSwitchyardError(err, 'invalid_key')) throw err;
    expect(err.status).toBe(401);

    credential = srv.apiKey;
    const main = await client.users.get.query({ key: 'main' });
    expect(main.data.key).toBe('main');
    const made = await client.workflows.create.mutate({ name: 'Typed' });
    expect(made.data.name).toBe('Typed');
  });
});
