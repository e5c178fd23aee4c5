// `pnpm bench`: runs every package's benchmark (packages/*/bench/index.ts) one after another, each in its own
// process, then prints one summary table (markdown, ready to paste) of every figure against its baselines and goal.
// `pnpm bench core server` runs some. Each bench prints its own medians and ratios against a baseline measured in
// the same run; machines are shared and noisy. The exit code says whether the benches ran, not whether goals were
// met: it is non-zero only when a bench failed to run, or a correctness check of one failed (the scale-out's).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Parts, printSummary } from './benchSummary.ts';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const summaryDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
const loadStart = os.loadavg();
const started = performance.now();
const cpus = os.cpus();
process.stdout.write(
  `# pnpm bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ` +
    `Node ${process.version}, load average ${loadStart.map((x) => x.toFixed(1)).join(' / ')}\n`,
);
const failed: string[] = [];
try {
  for (const pkg of readdirSync(path.join(root, 'packages'))) {
    const entry = path.join(root, 'packages', pkg, 'bench', 'index.ts');
    if (!existsSync(entry) || (only.length > 0 && !only.includes(pkg))) continue;
    process.stdout.write(`\n## ${pkg}\n\n`);
    const res = spawnSync(process.execPath, [entry], {
      cwd: path.dirname(path.dirname(entry)),
      stdio: 'inherit',
      env: { ...process.env, BENCH_SUMMARY_DIR: summaryDir },
    });
    if (res.status !== 0) failed.push(`${pkg} (${res.status ?? res.signal})`);
  }
  const read = <T>(name: string): T | undefined => {
    const file = path.join(summaryDir, `${name}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
  };
  const parts: Parts = { core: read('core'), server: read('server'), worker: read('worker') };
  process.stdout.write('\n## Summary\n\n');
  printSummary(parts, {
    loadStart,
    loadEnd: os.loadavg(),
    seconds: (performance.now() - started) / 1000,
  });
} finally {
  rmSync(summaryDir, { recursive: true, force: true });
}
if (failed.length > 0) {
  process.stdout.write(`\nA bench did not finish cleanly: ${failed.join(', ')} (see its output above).\n`);
  process.exitCode = 1;
}
