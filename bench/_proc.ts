/**
 * Reading Linux `/proc` for the benchmarks: process trees and memory. The
 * embedded PostgreSQL runs as another user when Revenge runs as root, so
 * processes are found by parent PID, not by owner.
 */

/** One process as `/proc` shows it. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  /** One letter: R running, S sleeping, Z zombie (exited, not yet reaped), ... */
  state: string;
  comm: string;
  cmdline: string;
}

function readOrEmpty(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return ""; // the process exited while we looked
  }
}

/** Every process currently running. */
export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = readOrEmpty(`/proc/${e.name}/stat`);
    // comm is in parentheses and may itself contain spaces or ")".
    const close = stat.lastIndexOf(")");
    if (close < 0) continue;
    const fields = stat.slice(close + 2).split(" ");
    out.push({
      pid: Number(e.name),
      ppid: Number(fields[1]),
      state: fields[0],
      comm: stat.slice(stat.indexOf("(") + 1, close),
      cmdline: readOrEmpty(`/proc/${e.name}/cmdline`).replaceAll("\0", " ").trim(),
    });
  }
  return out;
}

/** All descendants of `pid` (children, grandchildren, ...). */
export function descendants(pid: number, procs = listProcesses()): ProcInfo[] {
  const found: ProcInfo[] = [];
  let frontier = [pid];
  while (frontier.length) {
    const next = procs.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

function kib(text: string, key: string): number {
  const m = text.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
  return m ? Number(m[1]) : 0;
}

/** Resident set size in KiB (`VmRSS`). */
export function rssKib(pid: number): number {
  return kib(readOrEmpty(`/proc/${pid}/status`), "VmRSS");
}

/**
 * Proportional set size in KiB: shared pages (PostgreSQL's shared buffers,
 * the binary) split between the processes sharing them, so a sum over
 * processes does not count them several times as a sum of RSS does.
 */
export function pssKib(pid: number): number {
  return kib(readOrEmpty(`/proc/${pid}/smaps_rollup`), "Pss");
}

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`; 100 on Linux). */
const CLK_TCK = 100;

/** CPU time (user + system, all threads) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readOrEmpty(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of stat(5), counted from the state (field 3) here.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
