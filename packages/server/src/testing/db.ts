import { randomBytes } from 'node:crypto';
import './provided.ts';
import { inject } from 'vitest';
import { dropDatabase, recreateDatabase } from '../db/admin.ts';

/** A database of one's own, cloned from the migrated template the global setup built. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Clones the migrated template into a fresh database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('pgServerUrl');
  const name = `sy_test_${randomBytes(6).toString('hex')}`;
  const url = await recreateDatabase(serverUrl, name, inject('pgTemplate'));
  return { url, drop: () => dropDatabase(serverUrl, name) };
}
