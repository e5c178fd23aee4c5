import { openapi } from '../openapiMeta.ts';
import { pageOf } from '../pagination.ts';
import { router, scopedProcedure } from '../trpc.ts';
import {
  ApiKeyIdInput,
  ApiKeyListResponse,
  ApiKeyResponse,
  CreateApiKeyInput,
  CreatedApiKeyResponse,
  ListApiKeysInput,
} from './schema.ts';
import { createApiKey, listApiKeys, revokeApiKey, toApiKeyOutput } from './service.ts';

/** API keys: `/v1/api-keys` (admin scope). */
export const apiKeysRouter = router({
  create: scopedProcedure('admin')
    .meta(
      openapi({
        method: 'POST',
        path: '/api-keys',
        tag: 'API keys',
        summary: 'Create an API key',
        description:
          'A secret key (sk_live_… / sk_test_…, with scopes) or a publishable key (pk_live_… / pk_test_…, no ' +
          'scopes) of the calling key’s environment. The key is in this response only.',
        status: 201,
      }),
    )
    .input(CreateApiKeyInput)
    .output(CreatedApiKeyResponse)
    .mutation(async ({ ctx, input }) => {
      const { apiKey, key } = await createApiKey(ctx.em, ctx.auth.account.id, input);
      return { data: { ...toApiKeyOutput(apiKey, ctx.auth.account), key } };
    }),
  list: scopedProcedure('admin')
    .meta(openapi({ method: 'GET', path: '/api-keys', tag: 'API keys', summary: 'List API keys' }))
    .input(ListApiKeysInput)
    .output(ApiKeyListResponse)
    .query(async ({ ctx, input }) =>
      pageOf(await listApiKeys(ctx.em, ctx.auth.account.id, input), (k) =>
        toApiKeyOutput(k, ctx.auth.account),
      ),
    ),
  revoke: scopedProcedure('admin')
    .meta(
      openapi({
        method: 'DELETE',
        path: '/api-keys/{id}',
        tag: 'API keys',
        summary: 'Revoke an API key',
        notFound: true,
      }),
    )
    .input(ApiKeyIdInput)
    .output(ApiKeyResponse)
    .mutation(async ({ ctx, input }) => {
      const key = await revokeApiKey(ctx.em, ctx.auth.account.id, input.id, new Date());
      return { data: toApiKeyOutput(key, ctx.auth.account) };
    }),
});
