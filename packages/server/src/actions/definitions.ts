import {
  ActionRegistry,
  ChannelMessageSettings,
  type ChatProvider,
  CreateTaskSettings,
  type Problem,
  parseHeaderLines,
  parseParamLines,
  SendEmailSettings,
  UpdateFieldSettings,
  urlRefusal,
  validateCustomHeaders,
  WebhookSettings,
} from '@switchyard/core';
import type { z } from 'zod';
import { connectionProblems } from '../connections/service.ts';
import type { ConnectionKind } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import type { ServerDeps } from '../deps.ts';
import { urlPolicy } from '../env.ts';

/**
 * What the API knows of one kind of workflow action (a DAG node type other than Start, Delay and Condition): its
 * settings schema and the checks run when a workflow is saved or published (a bad config is a 400
 * `validation_error` naming the field, never a failure at run time). The worker's provider of the same type adds
 * `execute` (see `ActionProvider` in @switchyard/worker); a provider object is a definition too, so a host registers
 * one object with both.
 */
export interface ActionDefinition<Config = unknown> {
  /** The node `type` it runs, e.g. `SendEmail`. */
  type: string;
  /** Seed 000 `action_type` spelling, when the rule form may name it (e.g. `send_email`). */
  ruleActionType?: string;
  /** The node's config (the node object minus `type`), validated at save time. */
  configSchema: z.ZodType<Config>;
  /**
   * Checks beyond the schema that need the account (e.g. a connection exists); [] when fine. `publish` is set when
   * the workflow goes live (a rule is published when saved); a draft may lack what only running needs. It runs in
   * the API process: no network.
   */
  validate?(
    config: Config,
    ctx: { deps: ServerDeps; em: EntityManager; accountId: string; publish: boolean },
  ): Promise<Problem[]>;
}

/** What the API needs of a registry: lookups (a registry of the worker's providers is one too). */
export type ActionDefinitions = Pick<ActionRegistry<ActionDefinition>, 'get' | 'forRuleActionType' | 'types'>;

export { ActionRegistry };

/**
 * Save-time check of a Webhook node's URL: the outbound rules that need no network (scheme, credentials, a literal
 * or `localhost` address), so `https://localhost/h` or `https://user@host/h` is refused when saved, not when it
 * runs. Host names are resolved and checked when the step runs (DNS can change in between).
 */
function urlProblems(url: string, deps: ServerDeps): Problem[] {
  const refusal = urlRefusal(url, urlPolicy(deps.env));
  return refusal ? [{ path: 'url', message: refusal }] : [];
}

/** The built-in `Webhook` action (seed 004): an HTTP request to the node's URL. */
export const webhookDefinition: ActionDefinition<WebhookSettings> = {
  type: 'Webhook',
  ruleActionType: 'webhook',
  configSchema: WebhookSettings,
  async validate(config, { deps }) {
    const problems = urlProblems(config.url, deps);
    if (config.headers) {
      const parsed = parseHeaderLines(config.headers);
      problems.push(...parsed.problems, ...validateCustomHeaders(parsed.value));
    }
    if (config.params) problems.push(...parseParamLines(config.params).problems);
    return problems;
  },
};

/** `send_email`: an e-mail through the account's SMTP server (an `smtp` connection). */
export const sendEmailDefinition: ActionDefinition<SendEmailSettings> = {
  type: 'SendEmail',
  ruleActionType: 'send_email',
  configSchema: SendEmailSettings,
  validate: (config, { em, accountId, publish }) =>
    connectionProblems(em, accountId, ['smtp'], config.connection_id, { publish }),
};

/** The connection kinds a channel message may go through. */
export const channelKindsFor = (channel: ChatProvider): ConnectionKind[] =>
  channel === 'slack' ? ['slack', 'incoming_webhook'] : ['incoming_webhook'];

/** `send_channel_message`: Slack's `chat.postMessage`, or an incoming-webhook URL of any chat service. */
export const channelMessageDefinition: ActionDefinition<ChannelMessageSettings> = {
  type: 'SendChannelMessage',
  ruleActionType: 'send_channel_message',
  configSchema: ChannelMessageSettings,
  validate: (config, { em, accountId, publish }) =>
    connectionProblems(em, accountId, channelKindsFor(config.channel), config.connection_id, {
      publish,
      provider: config.channel,
    }),
};

/** A host action's definition: its rule `action_type` is also the `type` of the request the worker sends the host. */
export type HostActionDefinition<C> = ActionDefinition<C> & { ruleActionType: string };

function hostActionDefinition<C extends { connection_id?: string }>(
  type: string,
  actionType: string,
  schema: z.ZodType<C>,
): HostActionDefinition<C> {
  return {
    type,
    ruleActionType: actionType,
    configSchema: schema,
    validate: (config, { em, accountId, publish }) =>
      connectionProblems(em, accountId, ['host_endpoint'], config.connection_id, { publish }),
  };
}

/** `create_task`: a signed request to the account's host action endpoint. */
export const createTaskDefinition = hostActionDefinition('CreateTask', 'create_task', CreateTaskSettings);
/** `update_field`: a signed request to the account's host action endpoint. */
export const updateFieldDefinition = hostActionDefinition('UpdateField', 'update_field', UpdateFieldSettings);

/** The built-in action definitions. */
export function builtInActionDefinitions(): ActionDefinition[] {
  return [
    webhookDefinition,
    sendEmailDefinition,
    channelMessageDefinition,
    createTaskDefinition,
    updateFieldDefinition,
  ] as ActionDefinition[];
}
