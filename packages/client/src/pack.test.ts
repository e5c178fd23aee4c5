import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltSdk, pkgDir } from '../test/builtSdk.ts';

// What a user gets: the tarball `pnpm pack` makes (what `pnpm publish` uploads), installed into an empty project
// with nothing else of Switchyard, type-checked by the project's own tsc and imported by Node.

const pnpm = process.env.npm_execpath?.includes('pnpm') ? process.env.npm_execpath : 'pnpm';
const typescriptVersion = (
  JSON.parse(readFileSync(join(pkgDir, '../../node_modules/typescript/package.json'), 'utf8')) as {
    version: string;
  }
).version;

let work: string;
let project: string;

function run(cmd: string, args: string[], cwd: string): string {
  const [bin, pre] = cmd.endsWith('.js') || cmd.endsWith('.cjs') ? [process.execPath, [cmd]] : [cmd, []];
  return execFileSync(bin, [...pre, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  ensureBuiltSdk();
  work = mkdtempSync(join(tmpdir(), 'switchyard-pack-'));
  project = join(work, 'app');
  run(pnpm, ['pack', '--pack-destination', work], pkgDir);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('pnpm pack made no tarball');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module' }),
  );
  // From pnpm's store when it has the packages (it does after the workspace's install), else from the registry.
  run(pnpm, ['add', '--prefer-offline', join(work, tarball), `typescript@${typescriptVersion}`], project);
}, 180_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed SDK, installed alone', () => {
  it('brings no other Switchyard package', () => {
    expect(readdirSync(join(project, 'node_modules', '@switchyard'))).toEqual(['client']);
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', '@switchyard', 'client', 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string>; exports: unknown };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@trpc/client', '@trpc/server', 'ky']);
    expect(manifest.exports).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './trpc': { types: './dist/trpc.d.ts', default: './dist/trpc.js' },
    });
  });

  it('type-checks a typed call, and refuses a wrong one, with no @types/node and no skipLibCheck', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2024',
          // tRPC's own declarations name Disposable/AsyncDisposable (a project with skipLibCheck needs no lib).
          lib: ['es2024', 'esnext.disposable', 'dom'],
          types: [],
          skipLibCheck: false,
          noEmit: true,
        },
        include: ['app.ts'],
      }),
    );
    writeFileSync(
      join(project, 'app.ts'),
      `import { createClient, SwitchyardError, type User } from '@switchyard/client';

const client = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'key' });

export async function run(): Promise<string> {
  const user: User = await client.users.upsert({ key: 'ada', name: 'Ada' });
  const page = await client.users.list({ limit: 10 });
  for await (const u of client.users.listAll({ limit: 100 })) console.log(u.key.toUpperCase());
  // @ts-expect-error: users.get needs a key
  await client.users.get({});
  // @ts-expect-error: no such procedure
  await client.users.fly();
  try {
    await client.events.create({ type: 'deal.won', data: { id: 'd1' } });
  } catch (err) {
    if (err instanceof SwitchyardError) return \`\${err.code} \${err.headers?.get('retry-after')}\`;
  }
  return \`\${user.created_at_utc} \${page.meta.has_next_page}\`;
}
`,
    );
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      output = run(tsc, ['-p', '.'], project);
    } catch (err) {
      output = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
      throw new Error(`tsc failed in the installed project:\n${output}`);
    }
    expect(output).toBe('');
  });

  it('imports and runs in Node: the client is built from the procedure map, signing is bundled', () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const body = JSON.stringify({ type: 'deal.won', data: { id: 'd1' } });
    const ts = Math.floor(Date.now() / 1000);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const signature = createHmac('sha256', key).update(`msg_1.${ts}.${body}`).digest('base64');
    const script = `
      import { createClient, verifyWebhookSignature } from '@switchyard/client';
      const client = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'key' });
      const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': '${ts}', 'webhook-signature': 'v1,${signature}' };
      console.log(JSON.stringify({
        get: typeof client.users.get,
        listAll: typeof client.users.listAll,
        verified: verifyWebhookSignature(${JSON.stringify(body)}, headers, '${secret}'),
      }));`;
    writeFileSync(join(project, 'run.mjs'), script);
    const out = JSON.parse(run(process.execPath, ['run.mjs'], project)) as Record<string, unknown>;
    expect(out).toEqual({ get: 'function', listAll: 'function', verified: { id: 'msg_1', timestamp: ts } });
  });
});
