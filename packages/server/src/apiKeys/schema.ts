import { z } from 'zod';
import { apiObject } from '../apiObject.ts';
import { PageInput } from '../pagination.ts';
import { timestampShape } from '../time.ts';
import { SCOPES, Scope } from './scopes.ts';

/** `POST /v1/api-keys`: a key of the calling key's account and environment. */
export const CreateApiKeyInput = z.object({
  name: z.string().min(1).max(120),
  kind: z
    .enum(['secret', 'publishable'])
    .default('secret')
    .describe(
      'secret (sk_…, for servers, with scopes) or publishable (pk_…, safe in a browser: it only identifies the account)',
    ),
  scopes: z
    .array(Scope)
    .max(SCOPES.length)
    .optional()
    .describe('Permissions of a secret key (at least one); a publishable key takes none'),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInput>;

/** An API key as listed: never the key itself. */
export const ApiKeyOutput = apiObject('api_key', {
  name: z.string(),
  kind: z.enum(['secret', 'publishable']),
  environment: z.enum(['live', 'test']).describe('The environment (account) the key opens'),
  prefix: z.string().describe('The first characters of the key, to tell keys apart'),
  scopes: z.array(z.string()),
  revoked: z.boolean(),
  ...timestampShape('created'),
  ...timestampShape('last_used', true),
});
export type ApiKeyOutput = z.infer<typeof ApiKeyOutput>;

/** The creation response: the only time the key is shown. */
export const CreatedApiKeyResponse = z.object({
  data: ApiKeyOutput.extend({ key: z.string().describe('The API key. Shown once: store it now.') }),
});
/** `GET /v1/api-keys`. */
export const ListApiKeysInput = PageInput;
/** Addresses one key. */
export const ApiKeyIdInput = z.object({ id: z.uuid() });
