// CPU spent outside the measured target while it serves a cell: the subgraphs (in this process or
// their own) and PostgreSQL. With the subgraphs and the database on the same two cores, a
// gateway's requests/s is bounded by what they can do; these figures say how much of each request
// they cost, and so how far requests/s can follow the gateway's own CPU.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** CPU milliseconds spent so far by the subgraphs and by PostgreSQL (all its processes). */
export interface MachineCpu {
  subgraphsMs: number;
  postgresMs: number;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim();
    ticksPerSecond = Number(out) > 0 ? Number(out) : 100;
  }
  return ticksPerSecond;
}

/** utime + stime of one process from /proc, in ms; 0 once it is gone (or off Linux). */
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

function postgresCpuMs(): number {
  let dirs: string[];
  try {
    dirs = readdirSync('/proc');
  } catch {
    return 0;
  }
  let ms = 0;
  for (const dir of dirs) {
    if (!/^\d+$/.test(dir)) continue;
    const p = processCpuMs(dir);
    if (p && (p.comm === 'postgres' || p.comm.startsWith('postgres:'))) ms += p.ms;
  }
  return ms;
}

/**
 * Reads the machine's CPU counters. `subgraphPids` are the subgraph processes; without them the
 * subgraphs run in this process, whose own CPU is counted (the orchestration around a cell is a
 * few IPC messages).
 */
export function machineCpuReader(subgraphPids: number[] | undefined): () => MachineCpu {
  return () => {
    let subgraphsMs: number;
    if (subgraphPids) subgraphsMs = subgraphPids.reduce((n, pid) => n + (processCpuMs(pid)?.ms ?? 0), 0);
    else {
      const own = process.cpuUsage();
      subgraphsMs = (own.user + own.system) / 1000;
    }
    return { subgraphsMs, postgresMs: postgresCpuMs() };
  };
}
