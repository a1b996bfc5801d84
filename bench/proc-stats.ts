/** What the benchmark reads from /proc: CPU ticks and RSS of processes, and the machine's load. */
import { readFileSync } from 'node:fs';
import type { Client } from 'pg';

/** utime + stime in clock ticks (100 per second). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
  return Number(fields[11]) + Number(fields[12]);
}

export function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/** All cores together, from the first line of /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const [user, nice, system, idle, iowait, ...rest] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = [user, nice, system, idle, iowait, ...rest.slice(0, 3)].reduce((sum: number, value) => sum + (value ?? 0), 0);
  return { busy: total - (idle ?? 0) - (iowait ?? 0), total };
}

/** CPU ticks of each PostgreSQL backend serving this target (they run on this machine). */
export async function backendTicks(db: Client, applicationName: string): Promise<Map<number, number>> {
  const { rows } = await db.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and application_name = $1',
    [applicationName],
  );
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      ticks.set(pid, cpuTicks(pid));
    } catch {
      // the backend just exited
    }
  }
  return ticks;
}

export function backendTicksSpent(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, ticks] of after) spent += ticks - (before.get(pid) ?? 0); // a new backend counts from 0
  return spent;
}
