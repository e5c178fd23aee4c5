import { Connection, type ConnectionKind } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import type { SecretBoxLike } from '../deliveries/ports.ts';

/** A connection's credentials, sealed together: which ones exist depends on its kind. */
export interface ConnectionCredentials {
  /** smtp */
  password?: string;
  /** slack */
  bot_token?: string;
  /** incoming_webhook (the URL is the secret) */
  url?: string;
  /** host_endpoint: the whsec_ secret our requests are signed with */
  signing_secret?: string;
}

export function sealCredentials(box: SecretBoxLike, creds: ConnectionCredentials): string {
  return box.seal(JSON.stringify(creds));
}

export function openCredentials(box: SecretBoxLike, conn: Connection): ConnectionCredentials {
  return JSON.parse(box.open(conn.credentialsSealed)) as ConnectionCredentials;
}

/**
 * The connection an action uses: the one its node names (`connection_id`), else the account's newest of the wanted
 * kinds (and, for incoming webhooks, of the wanted chat provider). Null when there is none.
 */
export async function findConnection(
  em: EntityManager,
  accountId: string,
  kinds: readonly ConnectionKind[],
  opts: { id?: string; provider?: string } = {},
): Promise<Connection | null> {
  if (opts.id) {
    const conn = await em.findOne(Connection, { id: opts.id, accountId });
    return conn && kinds.includes(conn.kind) ? conn : null;
  }
  const rows = await em.find(
    Connection,
    { accountId, kind: { $in: [...kinds] } },
    { orderBy: { id: 'desc' } },
  );
  // Kinds in the order asked (e.g. a Slack bot before a Slack incoming webhook), newest first within a kind.
  for (const kind of kinds) {
    const match = rows.find(
      (c) =>
        c.kind === kind &&
        (kind !== 'incoming_webhook' || !opts.provider || c.settings.provider === opts.provider),
    );
    if (match) return match;
  }
  return null;
}
