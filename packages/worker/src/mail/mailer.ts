import nodemailer, { type Transporter } from 'nodemailer';

/** Where and how to send: an SMTP server, its credentials and the default sender. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  user?: string;
  password?: string;
  /** The default `From:` (e.g. `Acme <noreply@acme.test>`). */
  from: string;
  /** The name TLS checks the certificate against when `host` is an address resolved beforehand. */
  servername?: string;
}

/** One message. Addresses are plain strings (`a@b.test` or `Name <a@b.test>`). */
export interface MailMessage {
  from?: string;
  to: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  replyTo?: string;
  subject: string;
  text?: string;
  html?: string;
  /** `Message-ID` (`<id@domain>`); nodemailer makes one up when absent. */
  messageId?: string;
}

/** What the SMTP server said about a sent message. */
export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
  response: string;
}

/** A failed send: `retriable` is false when the server refused for good (5xx), true for 4xx and network trouble. */
export class MailError extends Error {
  override readonly name = 'MailError';
  readonly retriable: boolean;
  readonly responseCode: number | null;

  constructor(message: string, opts: { retriable: boolean; responseCode?: number | null; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.retriable = opts.retriable;
    this.responseCode = opts.responseCode ?? null;
  }
}

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Sends e-mail over SMTP with nodemailer, reusing its connection between messages. */
export class Mailer {
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(settings: SmtpSettings) {
    this.#from = settings.from;
    this.#transport = nodemailer.createTransport({
      host: settings.host,
      servername: settings.servername,
      port: settings.port,
      secure: settings.secure ?? settings.port === 465,
      auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
      pool: true,
      maxConnections: 2,
      ...TIMEOUTS,
    });
  }

  async send(msg: MailMessage): Promise<SentMail> {
    try {
      const info = await this.#transport.sendMail({
        from: msg.from ?? this.#from,
        to: msg.to,
        cc: msg.cc,
        bcc: msg.bcc,
        replyTo: msg.replyTo,
        subject: msg.subject,
        text: msg.text,
        html: msg.html,
        messageId: msg.messageId,
      });
      return {
        messageId: info.messageId,
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
        response: info.response ?? '',
      };
    } catch (err) {
      throw toMailError(err);
    }
  }

  /** Connects and greets the server (and logs in): what a connection test checks. */
  async verify(): Promise<void> {
    try {
      await this.#transport.verify();
    } catch (err) {
      throw toMailError(err);
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/** Reads `smtp://user:pass@host:port` or `smtps://…` (TLS from the start) into settings. */
export function smtpSettingsFromUrl(url: string, from: string): SmtpSettings {
  const u = new URL(url);
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps:// (got ${u.protocol}//)`);
  }
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    from,
  };
}

/** The process's own mailer for system notices (SMTP_URL), or null when none is configured. */
export function createSystemMailer(env: { SMTP_URL?: string; MAIL_FROM: string }): Mailer | null {
  return env.SMTP_URL ? new Mailer(smtpSettingsFromUrl(env.SMTP_URL, env.MAIL_FROM)) : null;
}

function toMailError(err: unknown): MailError {
  if (err instanceof MailError) return err;
  const e = err as { message?: string; responseCode?: number; code?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  // 5xx is a permanent refusal (bad address, auth refused, message rejected); 4xx and no answer may pass later.
  const retriable = code === null ? e.code !== 'EENVELOPE' : code < 500;
  return new MailError(e.message ?? String(err), { retriable, responseCode: code, cause: err });
}
