import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { distDir, ensureBuiltSdk, pkgDir } from '../test/builtSdk.ts';

// What `pnpm publish` ships: packages/client/dist as `pnpm build` bundles it (rolldown.config.ts). pack.test.ts
// installs it into an empty project; this checks what is inside.
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** Most bytes the SDK's own JavaScript may have (not its dependencies); raise it knowingly. */
const JS_BUDGET_BYTES = 32 * 1024;

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

const read = (file: string) => readFileSync(join(distDir, file), 'utf8');

beforeAll(() => ensureBuiltSdk(), 120_000);

describe('the built SDK', () => {
  it('is two bundles (the SDK and its browser-safe tRPC client) and their declarations, nothing else', () => {
    const files = readdirSync(distDir).sort();
    // The declarations the two entries share are one chunk, named by rolldown with a content hash.
    const shared = files.filter((f) => /^trpc-[\w-]+\.d\.ts$/.test(f));
    expect(shared).toHaveLength(1);
    expect(files.filter((f) => !shared.includes(f))).toEqual([
      'index.d.ts',
      'index.js',
      'index.js.map',
      'trpc.d.ts',
      'trpc.js',
      'trpc.js.map',
    ]);
    expect(existsSync(join(distDir, 'index.d.ts.map'))).toBe(false);
  });

  it('imports at run time only its declared dependencies and Node built-ins: no Switchyard package', () => {
    const imported = specifiers(read('index.js'));
    for (const spec of imported) {
      const builtin = spec.startsWith('node:') || builtinModules.includes(packageOf(spec));
      expect(builtin || packageOf(spec) in pkg.dependencies, `index.js imports ${spec}`).toBe(true);
    }
    // Receivers get core's signing inlined (no liquidjs, date-fns or zod at run time).
    expect(imported.sort()).toEqual(['@trpc/client', 'ky', 'node:crypto']);
    expect(read('index.js')).not.toMatch(
      /@switchyard\/|@mikro-orm|graphile-worker|\bpg\b['"]|nodemailer|pino/,
    );
    // The tRPC client bundles for a browser: no Node built-in at all.
    expect(specifiers(read('trpc.js')).sort()).toEqual(['@trpc/client', 'ky']);
  });

  it("has the server's AppRouter type inlined: the declarations import only the package's dependencies", () => {
    const declarations = readdirSync(distDir).filter((f) => f.endsWith('.d.ts'));
    const imported = new Set(
      declarations.flatMap((f) => specifiers(read(f))).filter((s) => !s.startsWith('./')),
    );
    expect([...imported].map(packageOf).filter((p) => !(p in pkg.dependencies))).toEqual([]);
    const types = declarations.map(read).join('\n');
    expect(types).toMatch(/declare const appRouter: .*TRPCBuiltRouter/);
    expect(types).toMatch(/\busers: import\("@trpc\/server"\).TRPCBuiltRouter/);
  });

  it(`stays within ${JS_BUDGET_BYTES / 1024} KB of JavaScript`, () => {
    const js = readFileSync(join(distDir, 'index.js'));
    const gzipped = gzipSync(js).length;
    console.info(`@switchyard/client dist: ${js.length} B of JavaScript (${gzipped} B gzipped)`);
    expect(js.length).toBeGreaterThan(1000);
    expect(js.length).toBeLessThan(JS_BUDGET_BYTES);
  });
});
