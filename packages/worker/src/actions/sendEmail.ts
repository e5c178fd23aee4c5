import { NonRetriableError, type SendEmailSettings } from '@switchyard/core';
import { findConnection, sendEmailDefinition } from '@switchyard/server/db';
import { openAccountMailer } from '../mail/accountMailer.ts';
import { MailError } from '../mail/mailer.ts';
import { isOutboundError } from '../outbound/client.ts';
import type { ActionProvider } from './provider.ts';

const list = (v: string | string[] | undefined) =>
  (Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim()).filter(Boolean);

/**
 * `send_email`: an e-mail through the account's SMTP server (an `smtp` connection). A refusal for good (5xx: no
 * such mailbox, login refused) fails the step at once; a busy or unreachable server is retried.
 */
export const sendEmailAction: ActionProvider<SendEmailSettings> = {
  ...sendEmailDefinition,
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
