import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** A process the bench started: its pid (for /proc), what it printed, and how to stop it. */
export interface BenchProcess {
  name: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// However the bench ends (an exception included), nothing it started outlives it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Runs `node <script> ...args` with only `env` (and PATH, and PGOPTIONS when set: `PGOPTIONS='-c
 * log_min_duration_statement=0'` logs every statement of the stacks, for a profile) in its environment, and
 * resolves once its output matches `ready`. The child gets an IPC channel: the bench's runners stop themselves when
 * it closes.
 */
export async function spawnNode(
  name: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<BenchProcess> {
  // BENCH_CPU_PROF_DIR: every process the bench starts writes a V8 CPU profile there when it stops (`--cpu-prof`).
  const profDir = process.env.BENCH_CPU_PROF_DIR;
  const prof = profDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${profDir}`,
        `--cpu-prof-name=${name.replaceAll(' ', '-')}.${Date.now()}.cpuprofile`,
      ]
    : [];
  const child = spawn(process.execPath, [...prof, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      ...(process.env.PGOPTIONS && { PGOPTIONS: process.env.PGOPTIONS }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    // The tail is enough to say why a process failed; a long run must not grow this without bound.
    output = (output + chunk.toString()).slice(-32_768);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit');
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} not ready in ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const check = () => {
        if (!ready.test(output)) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${output}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    running.delete(child);
    throw err;
  }
  return {
    name,
    pid: child.pid as number,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
    },
  };
}
