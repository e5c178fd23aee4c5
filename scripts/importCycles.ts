// `node scripts/importCycles.ts` (part of `pnpm lint`): fails on any runtime import cycle among the source files of
// packages/*/src. A module's runtime imports are what Node itself loads once the types are stripped (Node's own
// `stripTypeScriptTypes`, which runs this code): `import type` and `export type` are gone, `import { type A }` stays
// as an import, as it does at run time. Dynamic `import()` is lazy, so it closes no cycle at load time.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';

/** One runtime import cycle, as the files in import order (the first imports the second …, the last the first). */
export type Cycle = string[];

const STATIC_IMPORT =
  /^[ \t]*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|^[ \t]*import\s*['"]([^'"]+)['"]/gm;

const TYPE_ONLY = /^[ \t]*(?:import|export)\s+type\b[^;]*;/gm;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) out.push(...sourceFiles(file));
    else if (/\.tsx?$/.test(name) && !/\.d\.ts$/.test(name)) out.push(file);
  }
  return out;
}

/** The file a workspace package specifier (`@scope/pkg`, `@scope/pkg/sub`) names, through its package.json exports. */
function workspaceTarget(packagesDir: string, spec: string): string | null {
  const m = /^(@[^/]+\/[^/]+)(\/.*)?$/.exec(spec);
  if (!m) return null;
  for (const dir of readdirSync(packagesDir)) {
    const pj = path.join(packagesDir, dir, 'package.json');
    if (!existsSync(pj)) continue;
    const pkg = JSON.parse(readFileSync(pj, 'utf8')) as { name?: string; exports?: Record<string, unknown> };
    if (pkg.name !== m[1]) continue;
    const target = pkg.exports?.[`.${m[2] ?? ''}`];
    return typeof target === 'string' ? path.join(packagesDir, dir, target) : null;
  }
  return null;
}

/** The runtime imports of one TypeScript file that resolve to another file of the tree. */
export function runtimeImports(file: string, packagesDir: string): string[] {
  const text = readFileSync(file, 'utf8');
  // Node strips .ts only (JSX is not its to parse): in a .tsx file, type-only statements are dropped by their keyword.
  const js = file.endsWith('.tsx') ? text.replace(TYPE_ONLY, '') : module.stripTypeScriptTypes(text);
  const out: string[] = [];
  for (const match of js.matchAll(STATIC_IMPORT)) {
    const spec = match[1] ?? match[2] ?? '';
    const target = spec.startsWith('.')
      ? path.resolve(path.dirname(file), spec)
      : workspaceTarget(packagesDir, spec);
    if (target && existsSync(target)) out.push(target);
  }
  return out;
}

/** Every runtime import cycle among the `src` files of the packages under `packagesDir` (Tarjan's SCCs). */
export function findImportCycles(packagesDir: string): Cycle[] {
  const files = readdirSync(packagesDir)
    .map((d) => path.join(packagesDir, d, 'src'))
    .filter((d) => existsSync(d))
    .flatMap(sourceFiles);
  const edges = new Map(files.map((f) => [f, runtimeImports(f, packagesDir)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: Cycle[] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    for (;;) {
      const w = stack.pop() as string;
      onStack.delete(w);
      scc.push(w);
      if (w === v) break;
    }
    if (scc.length > 1 || (edges.get(v) ?? []).includes(v)) cycles.push(cycleThrough(scc, edges));
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

/** One concrete cycle inside a strongly connected component, for the message. */
function cycleThrough(scc: string[], edges: Map<string, string[]>): Cycle {
  const inScc = new Set(scc);
  const start = [...scc].sort()[0] as string;
  const seen = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of edges.get(v) ?? []) {
      if (!inScc.has(w)) continue;
      if (w === start) {
        const path_: string[] = [v];
        for (let u = v; u !== start; ) {
          u = seen.get(u) as string;
          path_.unshift(u);
        }
        return path_;
      }
      if (!seen.has(w)) {
        seen.set(w, v);
        queue.push(w);
      }
    }
  }
  return scc;
}

if (import.meta.main) {
  // The type stripper is experimental in Node 24: its warning says nothing to a reader of this check.
  process.removeAllListeners('warning');
  const root = path.resolve(import.meta.dirname, '..');
  const cycles = findImportCycles(path.join(root, 'packages'));
  for (const c of cycles) {
    const names = c.map((f) => path.relative(root, f));
    process.stderr.write(`import cycle: ${[...names, names[0]].join(' -> ')}\n`);
  }
  if (cycles.length > 0) {
    process.stderr.write(
      `${cycles.length} runtime import cycle(s); break them (a type-only import does not count)\n`,
    );
    process.exitCode = 1;
  } else process.stdout.write('import cycles: none\n');
}
