import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@switchyard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `switchyard worker` loads the persistence layer of @switchyard/server (`@switchyard/server/db`), never its HTTP
// stack: the real CLI runs as a child process with a loader hook that records every module it loads, until the
// worker is running and stops on SIGTERM.
const BIN = path.resolve(import.meta.dirname, '../bin/switchyard.ts');

/** Modules of the HTTP stack: the server's app, routers, tRPC, OpenAPI and docs, and the libraries only they use. */
const HTTP_STACK = [
  /packages\/server\/src\/(app|router|trpc|context|openapi|openapiMeta|docsPage)\.ts$/,
  /packages\/server\/src\/[a-zA-Z]+\/router\.ts$/,
  /packages\/server\/src\/http\/(auth|body|session|transport|restRoutes|requestInput|idempotency|inputPolicy|forms?|formTypes|expand|addressing)\.ts$/,
  /packages\/server\/src\/portal\/static\.ts$/,
  /node_modules\/\.pnpm\/(trpc-to-openapi|@scalar\+|zod-openapi|qs@)/,
];

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-imports-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

describe('switchyard worker', () => {
  it('loads no module of the HTTP stack', async () => {
    const hook = path.join(dir, 'hook.mjs');
    const out = path.join(dir, 'loaded.txt');
    writeFileSync(
      hook,
      `import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = new Set();
registerHooks({ load(url, ctx, next) { seen.add(url); return next(url, ctx); } });
process.on('exit', () => writeFileSync(${JSON.stringify(out)}, [...seen].join('\\n')));
`,
    );
    const child = spawn(process.execPath, ['--import', hook, BIN, 'worker'], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const end = Date.now() + 30_000;
    while (!log.includes('worker running')) {
      if (Date.now() > end) {
        child.kill('SIGKILL');
        throw new Error(`the worker did not start: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const loaded = readFileSync(out, 'utf8').split('\n');
    // It did load what it runs: the worker, the persistence layer, the outbound client.
    expect(loaded.some((u) => u.endsWith('packages/worker/src/main.ts'))).toBe(true);
    expect(loaded.some((u) => u.endsWith('packages/server/src/db/index.ts'))).toBe(true);
    expect(loaded.some((u) => u.endsWith('packages/worker/src/outbound/client.ts'))).toBe(true);
    expect(loaded.filter((u) => HTTP_STACK.some((re) => re.test(u)))).toEqual([]);
  }, 60_000);
});
