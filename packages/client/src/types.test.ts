// Type tests: `tsc -b` checks this file (tsconfig.test.json), so a wrong type here fails the build, and every
// `@ts-expect-error` fails it too when the line below it stops being an error.
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ApiKey,
  type ClientInputs,
  type ClientOutputs,
  type CreatedApiKey,
  createClient,
  type Page,
  paginate,
  type SwitchyardError,
  type User,
  type VerifiedWebhook,
  verifyWebhook,
  type WebhookEvent,
} from './index.ts';

const client = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'sy_x' });

describe('inputs and outputs are typed end to end from AppRouter', () => {
  it('a fetch takes its input type and resolves to the resource', () => {
    expectTypeOf(client.users.get).parameter(0).toEqualTypeOf<{ key: string }>();
    expectTypeOf(client.users.get).returns.resolves.toEqualTypeOf<User>();
    expectTypeOf<User['object']>().toEqualTypeOf<'user'>();
    expectTypeOf<User['email']>().toEqualTypeOf<string | null>();
  });

  it('a list resolves to a page, its iterator yields items', () => {
    expectTypeOf(client.users.list).returns.resolves.toEqualTypeOf<Page<User>>();
    expectTypeOf(client.users.listAll).returns.toEqualTypeOf<AsyncIterableIterator<User>>();
    expectTypeOf(client.apiKeys.listAll).returns.toEqualTypeOf<AsyncIterableIterator<ApiKey>>();
    expectTypeOf(paginate(client.users.list)).toEqualTypeOf<AsyncGenerator<User, void, undefined>>();
  });

  it('an all-optional input may be left out', () => {
    expectTypeOf(client.users.list)
      .parameter(0)
      .toEqualTypeOf<{ starting_after?: string; ending_before?: string; limit?: number } | undefined>();
    const typeOnly = () => [client.users.list(), client.users.listAll(), client.apiKeys.list({ limit: 5 })];
    expectTypeOf(typeOnly).toBeFunction();
  });

  it('a creation returns what only a creation shows', () => {
    expectTypeOf<CreatedApiKey>().toExtend<ApiKey>();
    expectTypeOf<CreatedApiKey['key']>().toBeString();
    expectTypeOf<ApiKey>().not.toHaveProperty('key');
  });

  it('inputs and outputs are reachable by path', () => {
    expectTypeOf<ClientInputs['users']['upsert']['key']>().toBeString();
    type KeyScope = NonNullable<ClientInputs['apiKeys']['create']['scopes']>[number];
    expectTypeOf<'users:read'>().toExtend<KeyScope>();
    expectTypeOf<string>().not.toExtend<KeyScope>();
    expectTypeOf<ClientOutputs['users']['get']>().toEqualTypeOf<User>();
  });

  it('errors carry the stable codes', () => {
    expectTypeOf<SwitchyardError['code']>().toExtend<string>();
    expectTypeOf<'not_found'>().toExtend<SwitchyardError['code']>();
    expectTypeOf<'network_error'>().toExtend<SwitchyardError['code']>();
    expectTypeOf<SwitchyardError['status']>().toEqualTypeOf<number | null>();
  });
});

describe('wrong input is a compile error', () => {
  // Never called: these lines exist for the compiler.
  it('wrong fields, types, scopes and procedures', () => {
    const typeOnly = () => {
      // @ts-expect-error a required field is missing
      void client.users.get({});
      // @ts-expect-error a field of the wrong type
      void client.users.get({ key: 42 });
      // @ts-expect-error an unknown scope
      void client.apiKeys.create({ name: 'x', scopes: ['root'] });
      // @ts-expect-error cursors are ids (strings)
      void client.users.list({ starting_after: 7 });
      // @ts-expect-error no such procedure
      void client.users.remove({ key: 'a' });
      // @ts-expect-error no such router
      void client.nothing.list();
      // @ts-expect-error only paginated lists have an iterator
      void client.users.getAll();
      // @ts-expect-error the iterator moves the cursor itself
      void client.users.listAll({ starting_after: 'x' });
      // @ts-expect-error the result is the resource, not the envelope
      void client.users.get({ key: 'a' }).then((u) => u.data);
      // @ts-expect-error a code the API never gives
      void ((e: SwitchyardError) => e.code === 'not_a_code');
    };
    expectTypeOf(typeOnly).toBeFunction();
  });
});

describe('webhook events', () => {
  it('narrow by type, and take a map of the host app’s own shapes', () => {
    const verified = () => verifyWebhook('{}', {}, 'whsec_x');
    expectTypeOf(verified).returns.toEqualTypeOf<VerifiedWebhook<WebhookEvent>>();
    type Deal = { id: string; stage: string; amount: number };
    type Mine = WebhookEvent<{ 'deal.won': Deal; 'invoice.paid': { invoice_id: string } }>;
    const handle = (e: Mine) => {
      switch (e.type) {
        case 'deal.won':
          return expectTypeOf(e.data).toEqualTypeOf<Deal>();
        case 'invoice.paid':
          return expectTypeOf(e.data.invoice_id).toBeString();
        default:
          return expectTypeOf(e).toBeNever();
      }
    };
    expectTypeOf(handle).toBeFunction();
    expectTypeOf<WebhookEvent['type']>().toExtend<string>();
    expectTypeOf<'deal.won'>().toExtend<WebhookEvent['type']>();
    // @ts-expect-error not a built-in type
    expectTypeOf<'deal.exploded'>().toExtend<WebhookEvent['type']>();
  });
});
