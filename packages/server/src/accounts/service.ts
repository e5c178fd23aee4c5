import { uuidv7 } from 'uuidv7';
import { SCOPES } from '../apiKeys/scopes.ts';
import { createApiKey } from '../apiKeys/service.ts';
import { Account, type Environment, Organisation } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { MAIN_USER_KEY, upsertUser } from '../users/service.ts';

/** One environment as it is created: its account, an admin secret key and a publishable key (each shown once). */
export interface CreatedAccount {
  account: Account;
  /** The admin secret key (`sk_<environment>_…`). */
  apiKey: string;
  /** The publishable key (`pk_<environment>_…`). */
  publishableKey: string;
}

async function createEnvironment(
  em: EntityManager,
  organisation: Organisation,
  environment: Environment,
  input: { name: string; timeZone?: string },
): Promise<CreatedAccount> {
  const account = em.create(Account, {
    id: uuidv7(),
    organisationId: organisation.id,
    environment,
    name: input.name,
    timeZone: input.timeZone ?? 'UTC',
    settings: {},
  });
  await em.flush();
  await upsertUser(em, account.id, { key: MAIN_USER_KEY, name: input.name });
  const { key } = await createApiKey(em, account.id, { name: 'Default admin key', scopes: [...SCOPES] });
  const { key: publishableKey } = await createApiKey(em, account.id, {
    name: 'Default publishable key',
    kind: 'publishable',
  });
  return { account, apiKey: key, publishableKey };
}

function newOrganisation(em: EntityManager, name: string): Organisation {
  return em.create(Organisation, { id: uuidv7(), name });
}

/**
 * Creates an organisation with its two environments (seed 004): `live` and `test`, separate accounts sharing no
 * data, each with its `main` user, an admin secret key and a publishable key.
 */
export async function createOrganisation(
  em: EntityManager,
  input: { name: string; timeZone?: string },
): Promise<{ organisation: Organisation; live: CreatedAccount; test: CreatedAccount }> {
  return em.transactional(async (tem) => {
    const organisation = newOrganisation(tem, input.name);
    await tem.flush();
    // Live first: the oldest account is the default one (`findDefaultAccount`).
    const live = await createEnvironment(tem, organisation, 'live', input);
    const test = await createEnvironment(tem, organisation, 'test', input);
    return { organisation, live, test };
  });
}

/**
 * Creates one account with its `main` user, an admin secret key and a publishable key (returned once): the
 * `environment` (default `live`) of an organisation of its own.
 */
export async function createAccount(
  em: EntityManager,
  input: { name: string; timeZone?: string; environment?: Environment },
): Promise<CreatedAccount> {
  return em.transactional(async (tem) => {
    const organisation = newOrganisation(tem, input.name);
    await tem.flush();
    return createEnvironment(tem, organisation, input.environment ?? 'live', input);
  });
}

/** The oldest live account, if any: the default account that `pnpm start` creates. */
export async function findDefaultAccount(em: EntityManager): Promise<Account | null> {
  const [first] = await em.find(Account, { environment: 'live' }, { orderBy: { id: 'asc' }, limit: 1 });
  return first ?? null;
}
