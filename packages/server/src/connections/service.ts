import { randomBytes } from 'node:crypto';
import {
  type Problem,
  SLACK_API_BASE_URL,
  secretFromBytes,
  type TestConnectionAnswer,
  urlRefusal,
} from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { Connection, type ConnectionKind } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import type { ServerDeps } from '../deps.ts';
import { outboundPolicy } from '../env.ts';
import { AppError, notFound } from '../errors.ts';
import { askWorker } from '../jobAnswers/service.ts';
import { type PageInput, paginate } from '../pagination.ts';
import { publishedActionProblems } from '../workflows/validation.ts';
import type { CreateConnectionInput, ListConnectionsInput, UpdateConnectionInput } from './schema.ts';
import { type ConnectionCredentials, findConnection, openCredentials, sealCredentials } from './store.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Fields = Omit<CreateConnectionInput, 'kind' | 'name'>;

/** Which fields a kind needs, which it keeps as settings and which are credentials. */
const SPEC: Record<
  ConnectionKind,
  { required: (keyof Fields)[]; settings: (keyof Fields)[]; secrets: (keyof Fields)[] }
> = {
  smtp: {
    required: ['host', 'from'],
    settings: ['host', 'port', 'secure', 'username', 'from'],
    secrets: ['password'],
  },
  slack: { required: ['bot_token'], settings: ['api_base_url'], secrets: ['bot_token'] },
  incoming_webhook: { required: ['provider', 'url'], settings: ['provider'], secrets: ['url'] },
  host_endpoint: { required: ['url'], settings: ['url'], secrets: [] },
};

/** The fields given that `kind` does not take: refused rather than silently dropped. */
function foreignFields(kind: ConnectionKind, input: Fields): string[] {
  const known = new Set<string>([...SPEC[kind].settings, ...SPEC[kind].secrets]);
  return Object.keys(input).filter(
    (k) => k !== 'id' && (input as Record<string, unknown>)[k] !== undefined && !known.has(k),
  );
}

async function checkFields(
  deps: ServerDeps,
  kind: ConnectionKind,
  input: Fields,
  creating: boolean,
): Promise<void> {
  const missing = creating ? SPEC[kind].required.filter((f) => input[f] === undefined) : [];
  if (missing.length > 0) {
    throw new AppError(
      'missing_required_field',
      `A ${kind} connection needs ${missing.join(', ')}`,
      missing.map((f) => ({ path: f, message: `${f} is required for a ${kind} connection` })),
    );
  }
  const foreign = foreignFields(kind, input);
  if (foreign.length > 0) {
    throw new AppError(
      'validation_error',
      `A ${kind} connection does not take ${foreign.join(', ')}`,
      foreign.map((f) => ({ path: f, message: `not a setting of a ${kind} connection` })),
    );
  }
  // Every URL we will call goes through the SSRF guard now, and again (with a fresh DNS answer) at each call.
  const urls: [string, string | undefined][] = [
    ['url', input.url],
    ['api_base_url', input.api_base_url],
  ];
  for (const [path, url] of urls) {
    if (url === undefined) continue;
    const reason = urlRefusal(url, outboundPolicy(deps.env));
    if (reason)
      throw new AppError('invalid_url', `The ${path} is refused: ${reason}`, [{ path, message: reason }]);
  }
  if (input.host !== undefined) {
    const reason = urlRefusal(
      `https://${input.host.includes(':') ? `[${input.host}]` : input.host}/`,
      outboundPolicy(deps.env),
    );
    if (reason) {
      throw new AppError('invalid_url', `The SMTP host is refused: ${reason}`, [
        { path: 'host', message: reason },
      ]);
    }
  }
}

function pick(input: Fields, keys: (keyof Fields)[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
}

async function assertNameFree(
  em: EntityManager,
  accountId: string,
  name: string,
  exceptId?: string,
): Promise<void> {
  const rows = await em.execute<{ id: string }[]>(
    'select id from connections where account_id = ? and lower(name) = lower(?)',
    [accountId, name],
  );
  if (rows.some((r) => r.id !== exceptId)) {
    throw new AppError('duplicate_name', `A connection named ${JSON.stringify(name)} already exists`);
  }
}

/** Creates a connection; a host endpoint gets a fresh signing secret, returned this once. */
export async function createConnection(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: CreateConnectionInput,
): Promise<{ connection: Connection; signingSecret?: string }> {
  const { kind, name, ...fields } = input;
  await checkFields(deps, kind, fields, true);
  await assertNameFree(em, accountId, name);
  const settings = pick(fields, SPEC[kind].settings);
  if (kind === 'smtp') settings.port ??= 587;
  if (kind === 'slack') settings.api_base_url ??= SLACK_API_BASE_URL;
  const creds = pick(fields, SPEC[kind].secrets) as ConnectionCredentials;
  const signingSecret = kind === 'host_endpoint' ? secretFromBytes(randomBytes(32)) : undefined;
  if (signingSecret) creds.signing_secret = signingSecret;
  const connection = em.create(Connection, {
    id: uuidv7(),
    accountId,
    kind,
    name,
    settings,
    credentialsSealed: sealCredentials(deps.secretBox, creds),
  });
  try {
    await em.flush();
  } catch (err) {
    if ((err as { name?: string }).name === 'UniqueConstraintViolationException') {
      throw new AppError('duplicate_name', `A connection named ${JSON.stringify(name)} already exists`);
    }
    throw err;
  }
  return { connection, signingSecret };
}

export async function getConnection(em: EntityManager, accountId: string, id: string): Promise<Connection> {
  const conn = await em.findOne(Connection, { id, accountId });
  if (!conn) throw notFound(`Connection ${id}`);
  return conn;
}

export function listConnections(em: EntityManager, accountId: string, input: ListConnectionsInput) {
  const where: Record<string, unknown> = { accountId };
  if (input.kind) where.kind = input.kind;
  return paginate<Connection>(em, Connection, where, input as PageInput);
}

/** Changes the fields given; a credential given replaces the stored one (the others are kept). */
export async function updateConnection(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: UpdateConnectionInput,
): Promise<Connection> {
  const conn = await getConnection(em, accountId, input.id);
  const { id: _id, name, ...fields } = input;
  await checkFields(deps, conn.kind, fields, false);
  if (name !== undefined && name !== conn.name) {
    await assertNameFree(em, accountId, name, conn.id);
    conn.name = name;
  }
  conn.settings = { ...conn.settings, ...pick(fields, SPEC[conn.kind].settings) };
  const newCreds = pick(fields, SPEC[conn.kind].secrets);
  if (Object.keys(newCreds).length > 0) {
    conn.credentialsSealed = sealCredentials(deps.secretBox, {
      ...openCredentials(deps.secretBox, conn),
      ...newCreds,
    });
  }
  await em.flush();
  return conn;
}

export async function deleteConnection(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  id: string,
): Promise<Connection> {
  return em.transactional(async (tem) => {
    const conn = await getConnection(tem, accountId, id);
    await tem.remove(conn).flush();
    // A published workflow must not be left with an action that cannot run: one naming this connection, or one
    // relying on the account's default of a kind this was the last of. Checked after the delete, then undone.
    const live = await tem.execute<{ id: string; name: string; template: unknown }[]>(
      `select id, name, template from workflows
        where account_id = ? and deleted_at is null and template is not null order by id`,
      [accountId],
    );
    const broken: Problem[] = [];
    for (const w of live) {
      for (const p of await publishedActionProblems(tem, deps, accountId, w.template)) {
        broken.push({ path: `workflows.${w.id}.${p.path}`, message: `${w.name}: ${p.message}` });
      }
    }
    if (broken.length > 0) {
      throw new AppError(
        'conflict',
        `Connection ${id} is in use by a published workflow (${broken[0]?.message}): point those actions at another connection, or delete the workflows first`,
        broken,
      );
    }
    return conn;
  });
}

/** Which credentials a connection holds (their names only). */
export function credentialNames(deps: ServerDeps, conn: Connection): string[] {
  return Object.entries(openCredentials(deps.secretBox, conn))
    .filter(([, v]) => typeof v === 'string' && v !== '')
    .map(([k]) => k)
    .sort();
}

/**
 * Has a worker check that a connection works (an SMTP login, Slack's `auth.test`, a signed `ping` to a host
 * endpoint, a short message through an incoming webhook); the worker records when it was tested and the error.
 * 503 `unavailable` when no worker answers within SERVER_WORKER_WAIT_SECONDS.
 */
export async function testConnection(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  id: string,
): Promise<TestConnectionAnswer> {
  const conn = await getConnection(em, accountId, id);
  return askWorker(deps, 'test_connection', { connection_id: conn.id, account_id: accountId });
}

/**
 * Problems of a node's connection among `kinds`. A node that names one (`connection_id`) must name one of the
 * account's. A node that names none runs with the account's newest of those kinds (of `provider`, for incoming
 * webhooks): a draft may be saved before that connection exists, but publishing (a rule is published when saved)
 * needs it, so that a live workflow never fails at run time for want of one.
 */
export async function connectionProblems(
  em: EntityManager,
  accountId: string,
  kinds: readonly ConnectionKind[],
  connectionId: unknown,
  opts: { publish: boolean; provider?: string },
): Promise<Problem[]> {
  if (connectionId === undefined) {
    if (!opts.publish || (await findConnection(em, accountId, kinds, { provider: opts.provider }))) return [];
    const what = `${kinds.join(' or ')} connection${opts.provider ? ` for ${opts.provider}` : ''}`;
    return [
      {
        path: 'connection_id',
        message: `the account has no ${what}: create one with POST /v1/connections, then publish`,
      },
    ];
  }
  if (typeof connectionId !== 'string' || !UUID.test(connectionId)) {
    return [{ path: 'connection_id', message: 'connection_id must be a connection id' }];
  }
  const found = await em.count(Connection, { id: connectionId, accountId, kind: { $in: [...kinds] } });
  return found > 0
    ? []
    : [{ path: 'connection_id', message: `no ${kinds.join(' or ')} connection with id ${connectionId}` }];
}
