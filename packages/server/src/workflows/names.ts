import { randomInt } from 'node:crypto';
import { Workflow } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { run } from '../db/statement.ts';
import { AppError } from '../errors.ts';
import { WORKFLOWS_NAMED } from './sql.ts';

/** A key made from a name: `My First Workflow` → `my_first_workflow` (seed 004). */
export function slug(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  return s === '' ? 'workflow' : s;
}

/** `base`, or `base_<n>` (seed 004's clone keys, e.g. `new_user_682`) when the user already has that key. */
export async function freeKey(
  em: EntityManager,
  accountId: string,
  userKey: string,
  base: string,
): Promise<string> {
  const taken = async (key: string) =>
    (await em.count(Workflow, { accountId, userKey, key, deletedAt: null })) > 0;
  if (!(await taken(base))) return base;
  for (let i = 0; i < 20; i++) {
    const key = `${base}_${randomInt(100, i < 10 ? 1_000 : 1_000_000)}`;
    if (!(await taken(key))) return key;
  }
  throw new AppError('conflict', `Could not find a free key for ${base}`);
}

/** Whether the user already has a (not deleted) workflow of this name, in any letter case. */
export async function nameTaken(
  em: EntityManager,
  accountId: string,
  userKey: string,
  name: string,
  exceptId?: string,
): Promise<boolean> {
  const rows = await run(em, WORKFLOWS_NAMED, [accountId, userKey, name]);
  return rows.some((r) => r.id !== exceptId);
}

/** 409 `duplicate_name`. */
export function duplicateName(name: string): AppError {
  return new AppError('duplicate_name', `A workflow named "${name}" already exists`, [
    { path: 'name', message: 'a workflow with this name already exists' },
  ]);
}
