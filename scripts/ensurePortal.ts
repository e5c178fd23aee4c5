// `pnpm start` runs this first: a fresh clone has no built portal (packages/portal/dist), and the session link the
// start banner prints would open "not built". Building it takes a few seconds, once; `pnpm build` builds it too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const portal = path.resolve(import.meta.dirname, '..', 'packages', 'portal');
if (
  !existsSync(path.join(portal, 'dist', 'index.html')) ||
  !existsSync(path.join(portal, 'dist', 'embed.js'))
) {
  process.stdout.write('switchyard: building the portal once (packages/portal/dist)…\n');
  const vite = path.join(portal, 'node_modules', 'vite', 'bin', 'vite.js');
  for (const args of [['build'], ['build', '--mode', 'embed']]) {
    const res = spawnSync(process.execPath, [vite, ...args, '--logLevel', 'warn'], {
      cwd: portal,
      stdio: 'inherit',
    });
    if (res.status !== 0) {
      process.stderr.write(
        'switchyard: the portal did not build; the API starts anyway (run `pnpm build` to see why)\n',
      );
      break;
    }
  }
}
