import type { ChatProvider, TestConnectionAnswer } from '@switchyard/core';
import { Connection, openCredentials } from '@switchyard/server/db';
import { uuidv7 } from 'uuidv7';
import { callSlack, postIncomingWebhook } from '../actions/chat.ts';
import { sendHostRequest } from '../actions/hostRequest.ts';
import type { WorkerDeps } from '../deps.ts';
import { openAccountMailer } from '../mail/accountMailer.ts';

/**
 * Checks that a connection works without side effects where the service allows it: an SMTP login, Slack's
 * `auth.test`, a signed `ping` to a host endpoint. An incoming webhook has no such call: it posts a short message.
 */
export async function testConnection(
  deps: WorkerDeps,
  accountId: string,
  id: string,
): Promise<TestConnectionAnswer> {
  const em = deps.orm.em.fork();
  const conn = await em.findOne(Connection, { id, accountId });
  if (!conn) return { ok: false, error: `Connection ${id} not found`, detail: null };
  const creds = openCredentials(deps.secretBox, conn);
  let result: { ok: boolean; error: string | null; detail: string | null };
  try {
    let detail: string | null = null;
    if (conn.kind === 'smtp') {
      const mailer = await openAccountMailer(deps, conn);
      try {
        await mailer.verify();
      } finally {
        mailer.close();
      }
      detail = `logged in to ${String(conn.settings.host)}:${String(conn.settings.port)}`;
    } else if (conn.kind === 'slack') {
      const answer = await callSlack(
        deps,
        { apiBaseUrl: String(conn.settings.api_base_url), botToken: creds.bot_token ?? '' },
        'auth.test',
        {},
      );
      const who = answer.body as { team?: string; user?: string };
      detail = `authenticated as ${who.user ?? '?'} in ${who.team ?? '?'}`;
    } else if (conn.kind === 'incoming_webhook') {
      const answer = await postIncomingWebhook(
        deps,
        conn.settings.provider as ChatProvider,
        creds.url ?? '',
        `Switchyard connection test: "${conn.name}" works.`,
      );
      detail = `HTTP ${answer.status}`;
    } else {
      const answer = await sendHostRequest(
        deps,
        { url: String(conn.settings.url), signingSecret: creds.signing_secret ?? '' },
        { id: `ping_${uuidv7()}`, type: 'ping', data: { connection_id: conn.id } },
      );
      detail = `HTTP ${answer.status}`;
    }
    result = { ok: true, error: null, detail };
  } catch (err) {
    const response = (err as { response?: { status?: number; body?: unknown } }).response;
    result = {
      ok: false,
      error: err instanceof Error ? err.message : String(err),
      detail: response ? JSON.stringify(response.body ?? null).slice(0, 500) : null,
    };
  }
  conn.lastTestedAt = new Date();
  conn.lastTestError = result.error;
  await em.flush();
  return result;
}
