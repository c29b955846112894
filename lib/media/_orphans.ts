/**
 * Finds and kills the processes our wrapper started that nobody owns any more.
 *
 * The parent-death signal reaches only the direct child. When a Web Worker is
 * terminated (or Revenge is killed), that child dies, but anything it forked
 * lives on, reparented to init, in the dead child's session. Nothing in the
 * kernel kills it, and the code that could have run is gone with the worker.
 * So every child carries `REVENGE_SUBPROCESS_OWNER=<pid>.<start time>` of the
 * Revenge process in its environment, which its descendants inherit; an
 * orphan is a process with that mark whose session leader (the direct child)
 * is gone, or whose owner process is gone (a previous, crashed Revenge).
 */

/** The environment variable that marks our descendants. */
export const OWNER_ENV = "REVENGE_SUBPROCESS_OWNER";

interface Stat {
  state: string;
  ppid: number;
  sid: number;
  startTime: string;
}

function readStat(pid: number | "self"): Stat | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ")".
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: f[0], ppid: Number(f[1]), sid: Number(f[3]), startTime: f[19] };
}

let token: string | undefined;

/** `<pid>.<start time>` of this process: the same in every worker, unique across PID reuse. */
export function ownerToken(): string {
  return token ??= `${Deno.pid}.${readStat("self")?.startTime ?? "0"}`;
}

function ownerOf(pid: number): string | undefined {
  let env: Uint8Array;
  try {
    env = Deno.readFileSync(`/proc/${pid}/environ`);
  } catch {
    return undefined; // gone, or another user's process
  }
  const prefix = `${OWNER_ENV}=`;
  for (const entry of new TextDecoder().decode(env).split("\0")) {
    if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  }
  return undefined;
}

function ownerAlive(owner: string): boolean {
  const [pid, start] = owner.split(".");
  const st = readStat(Number(pid));
  return st !== undefined && st.state !== "Z" && st.startTime === start;
}

/**
 * Kills (SIGKILL) every orphan: a process marked as ours whose session leader
 * is gone, or marked by a Revenge process that no longer exists. Returns how
 * many it killed. Reads `/proc`; a no-op elsewhere.
 */
export function reapOrphans(): number {
  const me = ownerToken();
  const stats = new Map<number, Stat>();
  try {
    for (const e of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      const st = readStat(Number(e.name));
      if (st) stats.set(Number(e.name), st);
    }
  } catch {
    return 0; // no /proc
  }
  const alive = (pid: number) => {
    const st = stats.get(pid);
    return st !== undefined && st.state !== "Z" && st.state !== "X";
  };
  let killed = 0;
  for (const [pid, st] of stats) {
    // Session 0 holds kernel threads; zombies are dead already.
    if (pid === Deno.pid || st.sid === 0 || !alive(pid)) continue;
    const leaderGone = st.sid !== pid && !alive(st.sid);
    // Reading the environment is the costly part: only for processes that may be orphans,
    // i.e. whose leader is gone, or leaders that are not our children (the owner died).
    if (!leaderGone && !(st.sid === pid && st.ppid !== Deno.pid)) continue;
    const owner = ownerOf(pid);
    if (!owner) continue;
    if (owner === me ? leaderGone : !ownerAlive(owner)) {
      try {
        Deno.kill(pid, "SIGKILL");
        killed++;
      } catch { /* exited meanwhile */ }
    }
  }
  return killed;
}

const SWEEP_EVERY_MS = 30_000;
let lastSweep = -Infinity;

/** Runs {@linkcode reapOrphans} at most every 30 s; called before each spawn. */
export function reapOrphansNowAndThen(): void {
  const now = performance.now();
  if (now - lastSweep < SWEEP_EVERY_MS) return;
  lastSweep = now;
  reapOrphans();
}
