// `pnpm bench` (from packages/core): medians of our core hot paths against hand-written equivalents, same process.
import { conditionRows, dagRows, templateRows } from './cases.ts';
import { printTable, sinkValue } from './measure.ts';

const rows = [...conditionRows(), ...templateRows(), ...dagRows()];
console.log(`node ${process.version}, ${rows.length} cases, medians of 15 rounds\n`);
printTable(rows);
void sinkValue();
process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
