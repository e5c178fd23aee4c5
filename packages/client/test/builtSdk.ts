import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The client package's folder, and dist/ where `pnpm build` puts what `npm publish` ships. */
export const pkgDir = new URL('..', import.meta.url).pathname;
export const distDir = join(pkgDir, 'dist');

/**
 * Makes sure dist/ holds the bundle. CI runs `pnpm build` before the tests, so this does nothing there; a test run
 * alone builds it the way `pnpm build` does (declarations with the workspace's tsc, then rolldown).
 */
export function ensureBuiltSdk(): void {
  if (existsSync(join(distDir, 'index.js')) && existsSync(join(distDir, 'index.d.ts'))) return;
  const bin = (name: string) => join(pkgDir, 'node_modules', '.bin', name);
  const tsc = join(pkgDir, '../../node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-b', join(pkgDir, 'tsconfig.lib.json')], { stdio: 'pipe' });
  } catch (err) {
    // tsc still emits when another package has a type error; only missing declarations stop the bundle.
    if (!existsSync(join(pkgDir, 'build', 'index.d.ts'))) throw err;
  }
  execFileSync(bin('rolldown'), ['-c', 'rolldown.config.ts'], { cwd: pkgDir, stdio: 'pipe' });
}
