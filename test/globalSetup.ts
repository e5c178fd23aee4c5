import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { canConnect, dropDatabase, recreateDatabase, withDatabase } from '../packages/server/src/db/admin.ts';
import { migrate } from '../packages/server/src/db/migrate.ts';
import { startEmbeddedPostgres } from '../packages/worker/src/embedded.ts';

import '../packages/server/src/testing/provided.ts';

const LOCAL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Finds Postgres once for the whole run (DATABASE_URL, else the local server, else an embedded one), builds a
 * migrated template database, and hands both to the test files, which each clone the template.
 */
export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let tmpDir: string | undefined;
  if (!serverUrl) {
    if (await canConnect(LOCAL)) {
      serverUrl = LOCAL;
    } else {
      tmpDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-pg-'));
      const db = await startEmbeddedPostgres(path.join(tmpDir, 'data'), { persistent: false });
      serverUrl = db.url;
      stopEmbedded = db.stop;
    }
  }
  const template = `sy_tpl_${process.pid}_${project.name.replace(/[^a-z0-9]/g, '')}`;
  const templateUrl = await recreateDatabase(serverUrl, template);
  await migrate(templateUrl);
  project.provide('pgServerUrl', withDatabase(serverUrl, 'postgres'));
  project.provide('pgTemplate', template);

  return async () => {
    await dropDatabase(withDatabase(serverUrl, 'postgres'), template).catch(() => {});
    await stopEmbedded?.();
    if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  };
}
