// `pnpm bench core`: medians of our core hot paths against hand-written equivalents, same process. Goals missed are
// printed, not an exit code: the bench ran. With BENCH_SUMMARY_DIR set (`pnpm bench` sets it), the figures are also
// written there as core.json for the summary table.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { conditionRows, dagRows, templateRows } from './cases.ts';
import { printTable, sinkValue } from './measure.ts';

const dag = dagRows();
const rows = [...conditionRows(), ...templateRows(), ...dag];
console.log(`node ${process.version}, ${rows.length} cases, medians of 15 rounds\n`);
printTable(rows);
void sinkValue();
const missed = rows.filter((r) => !r.pass);
console.log(
  missed.length === 0
    ? '\nevery goal met'
    : `\ngoals missed: ${missed.map((r) => `${r.ours.name} (${r.goal})`).join('; ')}`,
);

// The shape scripts/benchSummary.ts reads as CoreSummary.
const dir = process.env.BENCH_SUMMARY_DIR;
if (dir && dag[0]) {
  const summary = {
    dagMs: dag[0].ours.nsPerOp / 1e6,
    dagHandWrittenMs: dag[0].baseline ? dag[0].baseline.nsPerOp / 1e6 : null,
  };
  writeFileSync(path.join(dir, 'core.json'), JSON.stringify(summary, null, 2));
}
