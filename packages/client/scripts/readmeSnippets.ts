import { readFileSync } from 'node:fs';

/** A README code snippet and the example file it is cut from. */
export interface Snippet {
  region: string;
  file: URL;
  code: string;
}

/** The code between `// #region <name>` and `// #endregion` in `file`, dedented: exactly what the README shows. */
export function snippet(file: URL, region: string): Snippet {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${region}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '// #endregion');
  if (start < 0 || end < 0) throw new Error(`no region ${region} in ${file.pathname}`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return { region, file, code: body.map((l) => l.slice(indent)).join('\n') };
}

/** The README's client snippets, each run by a test of examples/. */
export function readmeSnippets(): { typescript: Snippet; rest: Snippet; verify: Snippet } {
  return {
    verify: snippet(new URL('../examples/receiver.ts', import.meta.url), 'verify-webhooks'),
    typescript: snippet(new URL('../examples/quickstart.ts', import.meta.url), 'use-from-typescript'),
    rest: snippet(new URL('../examples/rest.ts', import.meta.url), 'use-over-rest'),
  };
}
