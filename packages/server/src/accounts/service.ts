import { uuidv7 } from 'uuidv7';
import { SCOPES } from '../apiKeys/scopes.ts';
import { createApiKey } from '../apiKeys/service.ts';
import { Account } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { MAIN_USER_KEY, upsertUser } from '../users/service.ts';

/** Creates an account with its `main` user and an admin API key (returned once). */
export async function createAccount(
  em: EntityManager,
  input: { name: string; timeZone?: string },
): Promise<{ account: Account; apiKey: string }> {
  return em.transactional(async (tem) => {
    const account = tem.create(Account, {
      id: uuidv7(),
      name: input.name,
      timeZone: input.timeZone ?? 'UTC',
      settings: {},
    });
    await tem.flush();
    await upsertUser(tem, account.id, { key: MAIN_USER_KEY, name: input.name });
    const { key } = await createApiKey(tem, account.id, { name: 'Default admin key', scopes: [...SCOPES] });
    return { account, apiKey: key };
  });
}

/** The oldest account, if any: the default account that `pnpm start` creates. */
export async function findDefaultAccount(em: EntityManager): Promise<Account | null> {
  const [first] = await em.find(Account, {}, { orderBy: { id: 'asc' }, limit: 1 });
  return first ?? null;
}
