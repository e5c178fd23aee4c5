import type { AuthedContext } from '../context.ts';
import type { ApiKey } from '../db/entities/index.ts';
import { resource } from '../routes.ts';
import { router } from '../trpc.ts';
import {
  ApiKeyIdInput,
  ApiKeyOutput,
  CreateApiKeyInput,
  CreatedApiKeyResponse,
  ListApiKeysInput,
} from './schema.ts';
import { createApiKey, listApiKeys, revokeApiKey, toApiKeyOutput } from './service.ts';

const tag = 'API keys';
const apiKeys = resource(
  { tag, path: '/api-keys/{id}', read: 'admin', write: 'admin' },
  ApiKeyOutput,
  (ctx: AuthedContext, key: ApiKey) => toApiKeyOutput(key, ctx.auth.account),
);

/** API keys: `/v1/api-keys` (admin scope). */
export const apiKeysRouter = router({
  create: apiKeys
    .write(
      {
        method: 'POST',
        path: '/api-keys',
        summary: 'Create an API key',
        description:
          'A secret key (sk_live_… / sk_test_…, with scopes) or a publishable key (pk_live_… / pk_test_…, no ' +
          'scopes) of the calling key’s environment. The key is in this response only.',
        status: 201,
      },
      CreateApiKeyInput,
      CreatedApiKeyResponse,
    )
    .mutation(async ({ ctx, input }) => {
      const { apiKey, key } = await createApiKey(ctx.em, ctx.auth.account.id, input);
      return { data: { ...toApiKeyOutput(apiKey, ctx.auth.account), key } };
    }),
  list: apiKeys.list('List API keys', ListApiKeysInput, listApiKeys),
  revoke: apiKeys.change({ method: 'DELETE', summary: 'Revoke an API key' }, ApiKeyIdInput, (ctx, input) =>
    revokeApiKey(ctx.em, ctx.auth.account.id, input.id, new Date()),
  ),
});
