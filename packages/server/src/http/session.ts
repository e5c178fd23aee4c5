import type pg from 'pg';
import type { AuthInfo, Context } from '../context.ts';
import type { EntityManager } from '../db/orm.ts';
import { runOne } from '../db/statement.ts';
import { AppError } from '../errors.ts';
import { assertOwned, SESSION_PROCEDURES, scopesOfFeatures } from '../portal/access.ts';
import { hashPortalSecret } from '../portal/tokens.ts';
import { mapAccount } from './auth.ts';
import { SESSION_BY_TOKEN } from './sql.ts';

const ARCHIVED = 'ARCHIVED__';

function sessionError(reason: 'unknown' | 'expired' | 'revoked'): AppError {
  const message = {
    unknown: 'Invalid portal session token',
    expired: 'The portal session has expired: ask the app for a new link',
    revoked: 'The portal session was ended (logged out or revoked)',
  }[reason];
  return new AppError('invalid_key', message, [{ message, reason: `session_${reason}` }]);
}

/**
 * Finds the account, user and features of a portal session token (`ps_…`), or throws 401 `invalid_key` with
 * a `details` entry whose `reason` is `session_unknown`, `session_expired` or `session_revoked`. A session ends with its user: an
 * archived user's sessions stop working at once.
 */
export async function resolvePortalSession(
  em: EntityManager,
  pool: pg.Pool,
  token: string,
  now: Date,
): Promise<AuthInfo> {
  const hash = hashPortalSecret(token);
  const row = await runOne(pool, SESSION_BY_TOKEN, [hash]);
  if (!row) throw sessionError('unknown');
  const {
    sy_session_id: id,
    sy_session_features: rawFeatures,
    sy_session_expires_at: expires,
    sy_session_revoked_at: revoked,
    sy_user_id: userId,
    sy_user_key: userKey,
    ...accountRow
  } = row;
  if (revoked !== null || userKey.startsWith(ARCHIVED)) throw sessionError('revoked');
  const expiresAt = new Date(expires);
  if (expiresAt.getTime() <= now.getTime()) throw sessionError('expired');
  const features: string[] = typeof rawFeatures === 'string' ? JSON.parse(rawFeatures) : rawFeatures;
  return {
    kind: 'session',
    account: mapAccount(em, accountRow),
    apiKeyId: id,
    scopes: scopesOfFeatures(features),
    user: { id: userId, key: userKey },
    session: { id, expiresAt, features },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Authenticates a call made with a portal session token and confines it to the session's user: only the procedures
 * of `SESSION_PROCEDURES` are allowed (403 otherwise), an input's `user_key` becomes the session's user (403 when it
 * names another), and an object addressed by id must be the user's (404 otherwise). Returns the auth and the raw
 * input the procedure is to parse.
 */
export async function authorizeSessionCall(
  ctx: Pick<Context, 'em' | 'deps'>,
  token: string,
  path: string,
  getRawInput: () => Promise<unknown>,
): Promise<{ auth: AuthInfo; getRawInput: () => Promise<unknown> }> {
  const auth = await resolvePortalSession(ctx.em, ctx.deps.pool, token, new Date());
  const user = auth.user as NonNullable<AuthInfo['user']>;
  const rule = SESSION_PROCEDURES[path];
  if (!rule) {
    throw new AppError('insufficient_permissions', `A portal session cannot call ${path}`, [
      { message: 'this route needs an API key', required: 'an API key' },
    ]);
  }
  const raw = await getRawInput();
  if (rule.kind === 'owned') {
    await assertOwned(ctx.deps.pool, rule.of, isRecord(raw) ? raw.id : undefined, auth.account.id, user.key);
    return { auth, getRawInput };
  }
  if (rule.kind === 'session' || (raw !== undefined && !isRecord(raw))) return { auth, getRawInput };
  const given = raw?.user_key;
  if (given !== undefined && given !== user.key) {
    throw new AppError('insufficient_permissions', "A portal session reaches only its own user's data", [
      {
        path: 'user_key',
        message: `a session of ${user.key} cannot name another user`,
        required: `user_key ${user.key}`,
      },
    ]);
  }
  const confined = { ...(raw ?? {}), user_key: user.key };
  return { auth, getRawInput: async () => confined };
}
