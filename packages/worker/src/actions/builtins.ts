import { channelMessageAction } from './channelMessage.ts';
import { createTaskAction, updateFieldAction } from './hostAction.ts';
import type { ActionProvider } from './provider.ts';
import { sendEmailAction } from './sendEmail.ts';
import { webhookAction } from './webhook.ts';

/**
 * The built-in providers, registered in every process before any a host adds. Each lives in its own file in this
 * folder (webhook, send_email, send_channel_message, create_task, update_field).
 */
export function builtInActions(): ActionProvider[] {
  return [
    webhookAction as ActionProvider,
    sendEmailAction as ActionProvider,
    channelMessageAction as ActionProvider,
    createTaskAction as ActionProvider,
    updateFieldAction as ActionProvider,
  ];
}
