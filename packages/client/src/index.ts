/**
 * @switchyard/client: the typed SDK for Switchyard's API (tRPC under the hood, typed from the server's router) and
 * the helpers a webhook receiver needs to verify deliveries.
 */
export { type ClientOptions, createClient } from './client.ts';
export {
  type ClientErrorCode,
  isSwitchyardError,
  SwitchyardError,
  type SwitchyardErrorCode,
  type SwitchyardErrorInit,
} from './errors.ts';
export {
  BUILT_IN_EVENT_TYPE_NAMES,
  type BuiltInEventType,
  type EntityData,
  type EventDataMap,
  type WebhookEvent,
  type WebhookEventOf,
} from './eventTypes.ts';
export { type ListFn, type PaginateInput, paginate } from './pagination.ts';
export { DEFAULT_RETRY_POLICY, type FetchLike, type RetryPolicy } from './request.ts';
export { type AppRouter, createTrpcClient, type TrpcClientOptions } from './trpc.ts';
export type {
  ApiKey,
  CallOptions,
  ClientInputs,
  ClientOutputs,
  ClientRecord,
  CreatedApiKey,
  Execution,
  IterateInput,
  IteratorFn,
  Page,
  PageItem,
  PageMeta,
  ProcedureFn,
  SwitchyardClient,
  Unwrap,
  User,
} from './types.ts';
export {
  type HeadersLike,
  MAX_WEBHOOK_BODY_BYTES,
  type NodeRequestLike,
  readRawBody,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  verifyExpressRequest,
  verifyFetchRequest,
  verifyNodeRequest,
  verifyWebhook,
  verifyWebhookSignature,
  type WebhookSecrets,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from './webhooks.ts';
