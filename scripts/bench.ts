// `pnpm bench`: runs every package's benchmark (packages/*/bench/index.ts) one after another, in its own process.
// Each prints medians and ratios against a baseline measured in the same process; machines are shared and noisy.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
let failed = false;
for (const pkg of readdirSync(path.join(root, 'packages'))) {
  const entry = path.join(root, 'packages', pkg, 'bench', 'index.ts');
  if (!existsSync(entry) || (only.length > 0 && !only.includes(pkg))) continue;
  process.stdout.write(`\n## ${pkg}\n\n`);
  const res = spawnSync(process.execPath, [entry], {
    cwd: path.dirname(path.dirname(entry)),
    stdio: 'inherit',
  });
  if (res.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
