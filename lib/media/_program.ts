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

let setpriv: string | null | undefined;

/** Path of util-linux `setpriv`, looked up once; `undefined` where it is not installed. */
export function setprivPath(): string | undefined {
  if (setpriv === undefined) {
    setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => fileKind(p) === "executable") ??
      null;
  }
  return setpriv ?? undefined;
}
