// What each row costs beside its speed: PostgreSQL transactions (pg_stat_database), the CPU of the database
// backends and of each process (/proc), and memory at steady state. Linux only; elsewhere the figures are null.
import { readFileSync } from 'node:fs';
import pg from 'pg';

// /proc/<pid>/stat counts CPU time in USER_HZ ticks, which Linux fixes at 100 per second for user space.
const TICK_MS = 10;

/** CPU time (user + system, ms) a process has used so far, or null when it is gone or /proc is not there. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields that follow start after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

function statusKb(pid: number, file: 'status' | 'smaps_rollup', field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Resident set size of a process, in MB. */
export function rssMb(pid: number): number | null {
  const kb = statusKb(pid, 'status', 'VmRSS');
  return kb === null ? null : kb / 1024;
}

/**
 * Proportional set size, in MB: a PostgreSQL backend's RSS counts every shared-buffer page it touched, which all
 * backends share; PSS charges each shared page to its users in equal parts, so backends can be summed.
 */
export function pssMb(pid: number): number | null {
  const kb = statusKb(pid, 'smaps_rollup', 'Pss');
  return kb === null ? null : kb / 1024;
}

/** A connection to the bench server's maintenance database, which reads the statistics of the bench databases. */
export function postgresMonitor(serverUrl: string) {
  // On the maintenance database, so that these reads are not counted in the databases they read.
  const pool = new pg.Pool({ connectionString: serverUrl, max: 1 });
  pool.on('error', () => {});
  return {
    /** xact_commit + xact_rollback so far; backends report theirs at most about 10 s late (PGSTAT_IDLE_INTERVAL). */
    async transactions(db: string): Promise<number> {
      const { rows } = await pool.query<{ n: string }>(
        'select xact_commit + xact_rollback as n from pg_stat_database where datname = $1',
        [db],
      );
      return Number(rows[0]?.n ?? 0);
    },
    /** Process ids of the backends connected to `db` now. */
    async backends(db: string): Promise<number[]> {
      const { rows } = await pool.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [db],
      );
      return rows.map((r) => r.pid);
    },
    /**
     * Whether this server's backends are processes of this machine: the monitor's own backend pid must name a
     * `postgres` process in /proc (a server elsewhere, or in another pid namespace, has pids that mean nothing here).
     */
    async local(): Promise<boolean> {
      const { rows } = await pool.query<{ pid: number }>('select pg_backend_pid() as pid');
      try {
        return readFileSync(`/proc/${rows[0]?.pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    },
    end: () => pool.end(),
  };
}
export type PostgresMonitor = ReturnType<typeof postgresMonitor>;

/**
 * CPU used by the backends of `db` (and by `pids`, the row's own processes) between `start()` and the call of the
 * function it returns. A backend that connects during the row counts from zero; one that disconnects during the row
 * loses what it used since `start()` (pools keep theirs under load, so this is rare). Pass a null monitor when
 * PostgreSQL does not run on this machine (see `local()`).
 */
export async function startCpuMeter(monitor: PostgresMonitor | null, db: string | null, pids: number[]) {
  const watch = monitor !== null && db !== null;
  const before = new Map<number, number>();
  const backendsBefore = watch ? await monitor.backends(db) : [];
  for (const pid of [...backendsBefore, ...pids]) {
    const ms = processCpuMs(pid);
    if (ms !== null) before.set(pid, ms);
  }
  return async (): Promise<{ postgresMs: number | null; processMs: number | null }> => {
    const backends = watch ? await monitor.backends(db) : [];
    const used = (pid: number) => (processCpuMs(pid) ?? before.get(pid) ?? 0) - (before.get(pid) ?? 0);
    const all = new Set([...backendsBefore, ...backends]);
    const postgresMs = watch ? [...all].reduce((s, pid) => s + used(pid), 0) : null;
    const processMs = pids.length > 0 ? pids.reduce((s, pid) => s + used(pid), 0) : null;
    return { postgresMs, processMs };
  };
}

/** What the memory sampler reads: a process (its RSS) or a group of PostgreSQL backends (their summed PSS). */
export type MemoryTarget = { name: string; pid: number } | { name: string; backendsOf: string };

/**
 * Samples every target's memory once a second until the returned function is called, which resolves to each
 * target's median and peak (MB). Started after the warm-up, so the medians are the steady state under load.
 */
export function startMemorySampler(monitor: PostgresMonitor | null, targets: MemoryTarget[]) {
  const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const t of targets) {
        let mb: number | null = null;
        if ('pid' in t) mb = rssMb(t.pid);
        else if (monitor) {
          const sizes = (await monitor.backends(t.backendsOf)).map(pssMb);
          mb = sizes.some((x) => x !== null) ? sizes.reduce<number>((s, x) => s + (x ?? 0), 0) : null;
        }
        if (mb !== null) samples.get(t.name)?.push(mb);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return targets.flatMap((t) => {
      const xs = [...(samples.get(t.name) ?? [])].sort((a, b) => a - b);
      if (xs.length === 0) return [];
      return [
        {
          process: t.name,
          medianMb: xs[Math.floor((xs.length - 1) / 2)] as number,
          peakMb: xs.at(-1) as number,
        },
      ];
    });
  };
}
