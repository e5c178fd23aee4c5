import { Account } from './Account.ts';
import { ApiKey } from './ApiKey.ts';
import { Connection } from './Connection.ts';
import { CustomEventType } from './CustomEventType.ts';
import { Delivery } from './Delivery.ts';
import { DeliveryAttempt } from './DeliveryAttempt.ts';
import { Event } from './Event.ts';
import { Execution } from './Execution.ts';
import { ExecutionStep } from './ExecutionStep.ts';
import { IdempotencyRecord } from './IdempotencyRecord.ts';
import { Organisation } from './Organisation.ts';
import { PortalSession } from './PortalSession.ts';
import { User } from './User.ts';
import { Webhook } from './Webhook.ts';
import { Workflow } from './Workflow.ts';

export type { Environment } from './Account.ts';
export type { ApiKeyKind } from './ApiKey.ts';
export type { ConnectionKind } from './Connection.ts';
export type { DeliveryStatus } from './Delivery.ts';
export type { ExecutionStatus } from './Execution.ts';
export type { PortalFeature } from './PortalSession.ts';
export type { UserConfig } from './User.ts';
export type { WebhookStatus } from './Webhook.ts';
export type { TemplateStatus, WorkflowRule } from './Workflow.ts';
export {
  Account,
  ApiKey,
  Connection,
  CustomEventType,
  Delivery,
  DeliveryAttempt,
  Event,
  Execution,
  ExecutionStep,
  IdempotencyRecord,
  Organisation,
  PortalSession,
  User,
  Webhook,
  Workflow,
};

/** Every entity, for the ORM configuration. */
export const entities = [
  Organisation,
  Account,
  ApiKey,
  User,
  IdempotencyRecord,
  Event,
  CustomEventType,
  Webhook,
  Delivery,
  DeliveryAttempt,
  Workflow,
  Execution,
  ExecutionStep,
  Connection,
  PortalSession,
];
