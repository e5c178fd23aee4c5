import { NonRetriableError } from '@switchyard/core';
import { z } from 'zod';
import { connectionProblems } from '../connections/service.ts';
import { findConnection, openAccountMailer } from '../connections/store.ts';
import { isOutboundError } from '../deliveries/ports.ts';
import { MailError } from '../mail/mailer.ts';
import type { ActionProvider } from './provider.ts';

const Recipients = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** A SendEmail node's settings (merge tokens already filled; inside `html` the values are HTML-escaped). */
export const SendEmailConfig = z
  .looseObject({
    to: Recipients,
    cc: Recipients.optional(),
    bcc: Recipients.optional(),
    reply_to: z.string().optional(),
    subject: z.string().min(1, 'subject is required'),
    text: z.string().optional(),
    html: z.string().optional(),
    /** The smtp connection to send through; the account's newest when absent. */
    connection_id: z.string().optional(),
  })
  .refine((c) => c.text !== undefined || c.html !== undefined, {
    message: 'text or html is required',
    path: ['text'],
  });
export type SendEmailConfig = z.infer<typeof SendEmailConfig>;

const list = (v: string | string[] | undefined) =>
  (Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim()).filter(Boolean);

/**
 * `send_email`: an e-mail through the account's SMTP server (an `smtp` connection). A refusal for good (5xx: no
 * such mailbox, login refused) fails the step at once; a busy or unreachable server is retried.
 */
export const sendEmailAction: ActionProvider<SendEmailConfig> = {
  type: 'SendEmail',
  ruleActionType: 'send_email',
  configSchema: SendEmailConfig,
  validate: (config, { em, accountId, publish }) =>
    connectionProblems(em, accountId, ['smtp'], config.connection_id, { publish }),
  async execute(config, ctx) {
    const conn = await findConnection(ctx.em, ctx.accountId, ['smtp'], { id: config.connection_id });
    if (!conn) throw new NonRetriableError('send_email: the account has no smtp connection');
    const to = list(config.to);
    // A recipient made of merge tokens may render empty: nothing to send to is a failure, not a silent success.
    if (to.length === 0)
      throw new NonRetriableError('send_email: no recipient after merge tokens were filled');
    let mailer: Awaited<ReturnType<typeof openAccountMailer>>;
    try {
      mailer = await openAccountMailer(ctx.deps, conn);
    } catch (err) {
      // A host that now resolves to a refused address never becomes acceptable by retrying.
      if (isOutboundError(err) && !err.retriable) {
        throw new NonRetriableError(`send_email: ${err.message}`, { cause: err });
      }
      throw err;
    }
    try {
      const sent = await mailer.send({
        to,
        cc: list(config.cc),
        bcc: list(config.bcc),
        replyTo: config.reply_to,
        subject: config.subject,
        text: config.text,
        html: config.html,
        // The same on every attempt of the step: a mail client shows a retried message once.
        messageId: `<${ctx.stepKey}@switchyard>`,
      });
      return { output: { message_id: sent.messageId, accepted: sent.accepted, rejected: sent.rejected } };
    } catch (err) {
      if (err instanceof MailError && !err.retriable) {
        throw new NonRetriableError(`send_email: ${err.message}`, {
          cause: err,
          response: { smtp_code: err.responseCode },
        });
      }
      throw err;
    } finally {
      mailer.close();
    }
  },
};
