import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

// What `npm publish` would ship: packages/client/dist as `tsc -b` (pnpm build) emits it. CI builds before testing;
// run alone, the test builds the library project itself with the workspace's TypeScript.
const pkgDir = new URL('..', import.meta.url).pathname;
const dist = join(pkgDir, 'dist');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** Most bytes the SDK's own JavaScript may have (not its dependencies); raise it knowingly. */
const JS_BUDGET_BYTES = 32 * 1024;

function files(ext: string): string[] {
  return readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(ext));
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function specifiers(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g))
    found.add(m[1] as string);
  for (const m of source.matchAll(/(?:import\s*\(|require\s*\(|^import\s)\s*['"]([^'"]+)['"]/gm))
    found.add(m[1] as string);
  return [...found];
}

function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

beforeAll(() => {
  if (existsSync(join(dist, 'index.js'))) return;
  const tsc = join(pkgDir, '../../node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-b', join(pkgDir, 'tsconfig.lib.json')], { stdio: 'pipe' });
  } catch (err) {
    // tsc still emits when another package has a type error; only a missing build is this test's failure.
    if (!existsSync(join(dist, 'index.js'))) throw err;
  }
}, 120_000);

describe('the built SDK', () => {
  it('holds only the library: no tests, no examples', () => {
    const js = files('.js');
    expect(js).toContain('index.js');
    expect(js.filter((f) => /\.test\.js$|examples|scripts/.test(f))).toEqual([]);
  });

  it('imports at run time only its declared dependencies and Node built-ins: no server code', () => {
    const allowed = new Set(Object.keys(pkg.dependencies));
    const imported = new Set<string>();
    for (const file of files('.js')) {
      for (const spec of specifiers(readFileSync(join(dist, file), 'utf8'))) {
        if (spec.startsWith('.')) continue;
        imported.add(spec);
        const name = packageOf(spec);
        const builtin = spec.startsWith('node:') || builtinModules.includes(name);
        expect(builtin || allowed.has(name), `${file} imports ${spec}`).toBe(true);
      }
    }
    // Receivers load only the signing module of core (no liquidjs, date-fns or zod at run time).
    expect([...imported].sort()).toEqual(['@switchyard/core/signing', '@trpc/client', 'ky']);
    for (const file of files('.js')) {
      const text = readFileSync(join(dist, file), 'utf8');
      expect(text, file).not.toMatch(
        /@switchyard\/server|@mikro-orm|graphile-worker|\bpg\b['"]|nodemailer|pino/,
      );
    }
  });

  it('refers to the server only for types, in declaration files', () => {
    const typeRefs = files('.d.ts').filter((f) =>
      readFileSync(join(dist, f), 'utf8').includes('@switchyard/server'),
    );
    for (const f of typeRefs) {
      const lines = readFileSync(join(dist, f), 'utf8')
        .split('\n')
        .filter((l) => l.includes('@switchyard/server'));
      for (const line of lines)
        expect(line, f).toMatch(/^import type .* from '@switchyard\/server\/router';$/);
    }
  });

  it(`stays within ${JS_BUDGET_BYTES / 1024} KB of JavaScript`, () => {
    const js = files('.js').map((f) => readFileSync(join(dist, f)));
    const bytes = js.reduce((n, b) => n + b.length, 0);
    const gzipped = gzipSync(Buffer.concat(js)).length;
    const maps = files('.map').reduce((n, f) => n + statSync(join(dist, f)).size, 0);
    console.info(
      `@switchyard/client dist: ${js.length} JS files, ${bytes} B (${gzipped} B gzipped), maps ${maps} B`,
    );
    expect(bytes).toBeGreaterThan(1000);
    expect(bytes).toBeLessThan(JS_BUDGET_BYTES);
  });
});
