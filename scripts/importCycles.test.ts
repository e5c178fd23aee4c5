import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findImportCycles } from './importCycles.ts';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'switchyard-cycles-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A packages/ folder of its own: `files` maps `<pkg>/src/<file>` to its text; each package is `@t/<pkg>`. */
function tree(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    const pkg = file.split('/')[0] as string;
    writeFileSync(
      path.join(dir, pkg, 'package.json'),
      JSON.stringify({ name: `@t/${pkg}`, exports: { '.': './src/index.ts', './db': './src/db.ts' } }),
    );
  }
  return dir;
}

const rel = (dir: string, cycles: string[][]) =>
  cycles.map((c) => c.map((f) => path.relative(dir, f)).sort());

describe('the import-cycle check', () => {
  it('finds none in this repository', () => {
    expect(findImportCycles(path.join(root, 'packages'))).toEqual([]);
  });

  it('fails on an injected runtime cycle, within a package and across packages', () => {
    const dir = tree('cyclic', {
      'a/src/index.ts': "import { b } from './b.ts';\nexport const a = () => b();\n",
      'a/src/b.ts': "import { a } from './index.ts';\nexport const b = () => a;\n",
      'a/src/db.ts': "import { c } from '@t/c';\nexport const db = c;\n",
      'c/src/index.ts': "import { db } from '@t/a/db';\nexport const c = 1;\nexport const d = db;\n",
    });
    expect(rel(dir, findImportCycles(dir))).toEqual(
      expect.arrayContaining([
        ['a/src/b.ts', 'a/src/index.ts'],
        ['a/src/db.ts', 'c/src/index.ts'],
      ]),
    );
  });

  it('ignores type-only imports and lazy import()', () => {
    const dir = tree('acyclic', {
      'a/src/index.ts': "import type { B } from './b.ts';\nexport type A = B;\nexport const a = 1;\n",
      'a/src/b.ts':
        "import { a } from './index.ts';\nexport type B = number;\nexport const b = async () => (await import('./index.ts')).a + a;\n",
      'a/src/db.ts': "export { type B } from './b.ts';\n",
    });
    expect(findImportCycles(dir)).toEqual([]);
  });
});
