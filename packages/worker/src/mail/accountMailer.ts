import type { Connection, ConnectionCredentials, SecretBoxLike } from '@switchyard/server/db';
import { openCredentials } from '@switchyard/server/db';
import { Mailer, type SmtpSettings } from './mailer.ts';

/**
 * A mailer for an account's `smtp` connection that connects only to an address the SSRF guard checked when it was
 * built (the host is resolved here; TLS still checks the certificate against the host name).
 */
export async function openAccountMailer(
  deps: { outbound: { resolveChecked(host: string): Promise<string> }; secretBox: SecretBoxLike },
  conn: Connection,
): Promise<Mailer> {
  const settings = smtpSettingsOf(conn, openCredentials(deps.secretBox, conn));
  const address = await deps.outbound.resolveChecked(settings.host);
  return new Mailer({ ...settings, host: address, servername: settings.host });
}

/** The SMTP settings of an `smtp` connection. */
export function smtpSettingsOf(conn: Connection, creds: ConnectionCredentials): SmtpSettings {
  const s = conn.settings as {
    host: string;
    port: number;
    secure?: boolean;
    username?: string;
    from: string;
  };
  return {
    host: s.host,
    port: s.port,
    secure: s.secure,
    user: s.username,
    password: creds.password,
    from: s.from,
  };
}
