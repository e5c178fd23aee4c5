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
  it('is one bundle and its declarations: no tests, examples or build leftovers', () => {
    expect(readdirSync(distDir).sort()).toEqual(['index.d.ts', 'index.js', 'index.js.map']);
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
  });

  it("has the server's AppRouter type inlined: the declarations import only the package's dependencies", () => {
    const types = read('index.d.ts');
    expect(specifiers(types).sort()).toEqual(['@trpc/server', 'ky']);
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
