// `pnpm --filter @switchyard/client bundle` (run by `pnpm build` after `tsc -b`): the published package, in dist/.
// The JavaScript is bundled from src with the few lines of core it uses (webhook signing) inlined; the types are
// bundled from the declarations tsc emitted, with the server's AppRouter type inlined. Either way, nothing of
// another Switchyard package is imported, so the package installs and type-checks alone.
import path from 'node:path';
import { defineConfig } from 'rolldown';
import { dts } from 'rolldown-plugin-dts';
import { workspaceDeclarations } from './scripts/workspaceDeclarations.ts';

/**
 * Every package but the workspace's own stays an import (tests check that only the package's dependencies and Node
 * built-ins are left); `@switchyard/*` is bundled.
 */
const external = (id: string, importer: string | undefined) =>
  importer !== undefined && !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('@switchyard/');

export default defineConfig([
  {
    input: './src/index.ts',
    platform: 'node',
    external,
    tsconfig: 'tsconfig.lib.json',
    output: { file: 'dist/index.js', format: 'esm', sourcemap: true },
  },
  {
    // The tRPC client alone (the portal's): no Node built-in, so it bundles for a browser.
    input: './src/trpc.ts',
    platform: 'browser',
    external,
    tsconfig: 'tsconfig.lib.json',
    output: { file: 'dist/trpc.js', format: 'esm', sourcemap: true },
  },
  {
    input: { index: './build/index.d.ts', trpc: './build/trpc.d.ts' },
    external,
    plugins: [
      workspaceDeclarations(),
      // Only declarations tsc already emitted are bundled: no generator runs (oxc would refuse a source file).
      // No declaration map: it would point into build/, which is not published.
      dts({ dtsOnly: true, tsconfig: 'tsconfig.lib.json', generator: 'oxc', sourcemap: false }),
    ],
    output: { dir: 'dist', format: 'esm' },
  },
]);
