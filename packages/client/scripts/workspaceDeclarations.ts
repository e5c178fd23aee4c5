import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'rolldown';

const packagesDir = path.resolve(import.meta.dirname, '../..');

/** The server's own modules the router's type names, replaced by opaque types (see `serverInternals.d.ts`). */
const SERVER_INTERNALS = new Set(['context.d.ts', 'trpc.d.ts']);
const SERVER_INTERNALS_STUB = path.resolve(import.meta.dirname, 'serverInternals.d.ts');

/**
 * `@switchyard/<pkg>/<sub>` as the declaration `tsc -b` emitted for it: the package's export points at
 * `./src/<file>.ts`, and every workspace package compiles `src` to `dist`, so it is `dist/<file>.d.ts`.
 */
function declarationOf(specifier: string): string | undefined {
  const m = /^@switchyard\/([^/]+)(\/.*)?$/.exec(specifier);
  if (!m) return undefined;
  const dir = path.join(packagesDir, m[1] as string);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, string>;
  };
  const source = pkg.exports[m[2] ? `.${m[2]}` : '.'];
  if (!source?.startsWith('./src/')) throw new Error(`${specifier}: no ./src export in ${dir}/package.json`);
  return path.join(dir, 'dist', source.slice('./src/'.length).replace(/\.ts$/, '.d.ts'));
}

/**
 * Bundles the declarations of the workspace packages the SDK's types use (the server's router, core's error codes)
 * into its own, so the published package needs no other Switchyard package. The router's type refers to the
 * server's request context and procedure metadata, whose declarations reach MikroORM, pg, pino and the OpenAPI
 * layer; the client reads neither, so both become opaque types instead of pulling those packages' types in.
 */
export function workspaceDeclarations(): Plugin {
  return {
    name: 'switchyard:workspace-declarations',
    resolveId: {
      order: 'pre',
      handler(id, importer) {
        if (!importer?.endsWith('.d.ts')) return null;
        const dts = declarationOf(id);
        if (dts) return { id: dts };
        const serverDist = path.join(packagesDir, 'server', 'dist');
        if (id.startsWith('.') && path.dirname(importer) === serverDist) {
          const file = path.basename(id).replace(/\.ts$/, '.d.ts');
          if (SERVER_INTERNALS.has(file)) return { id: SERVER_INTERNALS_STUB };
        }
        return null;
      },
    },
  };
}
