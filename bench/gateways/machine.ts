// CPU spent outside the measured target while it serves a cell: the subgraphs (in this process or
// their own) and PostgreSQL. With the subgraphs and the database on the same two cores, a
// gateway's requests/s is bounded by what they can do; these figures say how much of each request
// they cost, and so how far requests/s can follow the gateway's own CPU.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** CPU milliseconds spent by the subgraphs and by PostgreSQL between two readings. */
export interface MachineCpu {
  subgraphsMs: number;
  postgresMs: number;
}

/** A reading: CPU milliseconds so far of each process counted. */
export type MachineReading = Map<string, number>;

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim();
    ticksPerSecond = Number(out) > 0 ? Number(out) : 100;
  }
  return ticksPerSecond;
}

/** utime + stime of one process from /proc, in ms; undefined once it is gone (or off Linux). */
function processCpuMs(pid: number | string): { comm: string; ms: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself hold spaces or parentheses.
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const fields = stat.slice(close + 2).split(' ');
  // Fields 14 and 15 of stat(5), counted from the state field (3) here.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { comm, ms: (ticks * 1000) / clockTicks() };
}

function readPostgres(into: MachineReading): void {
  let dirs: string[];
  try {
    dirs = readdirSync('/proc');
  } catch {
    return;
  }
  for (const dir of dirs) {
    if (!/^\d+$/.test(dir)) continue;
    const p = processCpuMs(dir);
    if (p && (p.comm === 'postgres' || p.comm.startsWith('postgres:'))) into.set(`pg:${dir}`, p.ms);
  }
}

/**
 * Reads the machine's CPU counters. `subgraphPids` are the subgraph processes; without them the
 * subgraphs run in this process, whose own CPU is counted (the orchestration around a cell is a
 * few IPC messages).
 */
export function machineCpuReader(subgraphPids: number[] | undefined): () => MachineReading {
  return () => {
    const reading: MachineReading = new Map();
    if (subgraphPids)
      for (const pid of subgraphPids) {
        const ms = processCpuMs(pid)?.ms;
        if (ms !== undefined) reading.set(`subgraph:${pid}`, ms);
      }
    else {
      const own = process.cpuUsage();
      reading.set('subgraph:self', (own.user + own.system) / 1000);
    }
    readPostgres(reading);
    return reading;
  };
}

/**
 * What each process spent between two readings. A PostgreSQL backend may end in between (its
 * time is then lost, a few ms at most) or start (all of its time is in the window); summing the
 * totals instead would subtract whatever an ended backend had spent before.
 */
export function machineCpuBetween(before: MachineReading, after: MachineReading): MachineCpu {
  const spent = { subgraphsMs: 0, postgresMs: 0 };
  for (const [key, ms] of after) {
    const delta = ms - (before.get(key) ?? 0);
    if (key.startsWith('pg:')) spent.postgresMs += delta;
    else spent.subgraphsMs += delta;
  }
  return spent;
}
