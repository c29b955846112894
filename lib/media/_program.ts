import { delimiter, isAbsolute, join, resolve } from "node:path";

const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * Finds the executable `name` the way `execvp` would (on `path` unless it
 * contains a slash; relative paths against `cwd`), so a missing binary is a
 * typed error before anything is spawned rather than an exit code of a helper.
 * Throws nothing.
 */
export function findProgram(
  name: string,
  path: string | undefined,
  cwd: string,
): { path: string } | { missing: true } | { notExecutable: string } {
  if (name.includes("/")) {
    const full = isAbsolute(name) ? name : resolve(cwd, name);
    const kind = fileKind(full);
    if (kind === "executable") return { path: full };
    return kind === "missing" ? { missing: true } : { notExecutable: full };
  }
  let notExecutable: string | undefined;
  for (const dir of (path ?? DEFAULT_PATH).split(delimiter)) {
    const full = resolve(cwd, join(dir || ".", name));
    const kind = fileKind(full);
    if (kind === "executable") return { path: full };
    if (kind === "other") notExecutable ??= full;
  }
  return notExecutable ? { notExecutable } : { missing: true };
}

function fileKind(path: string): "executable" | "other" | "missing" {
  try {
    const st = Deno.statSync(path);
    return st.isFile && ((st.mode ?? 0) & 0o111) !== 0 ? "executable" : "other";
  } catch {
    return "missing";
  }
}

const utilLinux = new Map<string, string | null>();

/** Path of the util-linux program `name`, looked up once; `undefined` where it is not installed. */
function utilLinuxPath(name: string): string | undefined {
  if (!utilLinux.has(name)) {
    utilLinux.set(
      name,
      [`/usr/bin/${name}`, `/bin/${name}`].find((p) => fileKind(p) === "executable") ?? null,
    );
  }
  return utilLinux.get(name) ?? undefined;
}

/** How a child is started: programs it is `exec`ed through, and whether Deno must `setsid()`. */
export interface Launcher {
  /** argv before the program's own: `setsid`, `setpriv --pdeathsig SIGKILL --`, both or none. */
  prefix: string[];
  /** True when no `setsid` program does it: `Deno.Command`'s `detached`. */
  detached: boolean;
  /** A parent-death signal guards the child. */
  guarded: boolean;
}

/**
 * The launcher of every child (see subprocess.ts). A new session comes from
 * util-linux `setsid` rather than `Deno.Command`'s `detached` where it can:
 * `detached` runs `setsid()` in a pre-exec hook, which makes Rust `fork()`
 * the whole process instead of `posix_spawn()`, and `fork()` copies the page
 * tables of a server with workers and a warm heap on the calling JS thread:
 * 16-35 ms per spawn, measured, against 0.3 ms (ffprobe itself takes ~25 ms).
 * The `setsid` program runs in the child, which is never a group leader, so
 * it `exec`s without forking and the PID stays the program's.
 */
export function launcher(): Launcher {
  const setsid = utilLinuxPath("setsid");
  const setpriv = utilLinuxPath("setpriv");
  return {
    prefix: [
      ...(setsid ? [setsid] : []),
      ...(setpriv ? [setpriv, "--pdeathsig", "SIGKILL", "--"] : []),
    ],
    detached: !setsid,
    guarded: Boolean(setpriv),
  };
}
