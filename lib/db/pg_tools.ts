/**
 * PostgreSQL's client tools for backups: `pg_dump` (custom format) and
 * `pg_restore`, of the server's major version. pg_dump refuses a server newer
 * than itself and an older one may miss what a newer server has, so the tools
 * are looked up by the server's major version: the configured folder
 * (`backup.pgBin`), `/opt/revenge-pg/<major>/bin` (what
 * `deploy/build_pg_client.sh` builds; the embedded server's npm package ships
 * no pg_dump), `/usr/lib/postgresql/<major>/bin` (Debian and PGDG packages),
 * then `PATH`. Connection details reach them through `PG*` variables, never
 * the command line (which every local user can read in /proc).
 */
import { join } from "node:path";
import type { DbTarget } from "./client.ts";

/** Raised when the tools are missing or fail; the message is safe to print. */
export class PgToolsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PgToolsError";
  }
}

/** The tools found for one major version. */
export interface PgTools {
  major: number;
  pgDump: string;
  pgRestore: string;
  /** `pg_dump --version`, e.g. "pg_dump (PostgreSQL) 18.6". */
  version: string;
}

const STDERR_LIMIT = 4096;

async function versionOf(path: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(path, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

function majorOf(version: string): number | undefined {
  const m = /\)\s+(\d+)/.exec(version);
  return m ? Number(m[1]) : undefined;
}

function pathDirs(): string[] {
  return (Deno.env.get("PATH") ?? "").split(":").filter(Boolean);
}

/** Finds pg_dump and pg_restore of `major`; throws a printable error naming where it looked. */
export async function findPgTools(major: number, configured?: string): Promise<PgTools> {
  const dirs = [
    ...(configured ? [configured] : []),
    `/opt/revenge-pg/${major}/bin`,
    `/usr/lib/postgresql/${major}/bin`,
    ...pathDirs(),
  ];
  const seen: string[] = [];
  for (const dir of dirs) {
    const pgDump = join(dir, "pg_dump");
    const version = await versionOf(pgDump);
    if (!version) continue;
    seen.push(version);
    if (majorOf(version) !== major) continue;
    const pgRestore = join(dir, "pg_restore");
    if (majorOf(await versionOf(pgRestore) ?? "") !== major) continue;
    return { major, pgDump, pgRestore, version };
  }
  throw new PgToolsError(
    `no pg_dump/pg_restore of PostgreSQL ${major} (the database server's version) found in ` +
      `${dirs.slice(0, 3).join(", ")} or PATH${
        seen.length ? ` (found: ${[...new Set(seen)].join("; ")})` : ""
      }; install them (deploy/build_pg_client.sh ${major}) or set REVENGE_PG_BIN`,
  );
}

/** `PG*` variables for a target (password included: not on the command line). */
export function pgEnv(target: DbTarget): Record<string, string> {
  if (typeof target === "string") {
    const u = new URL(target);
    const env: Record<string, string> = {
      PGHOST: u.searchParams.get("host") ?? (decodeURIComponent(u.hostname) || "localhost"),
      PGPORT: u.port || "5432",
      PGDATABASE: decodeURIComponent(u.pathname.slice(1)) || "postgres",
      PGUSER: decodeURIComponent(u.username) || "postgres",
    };
    if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
    const ssl = u.searchParams.get("sslmode");
    if (ssl) env.PGSSLMODE = ssl;
    return env;
  }
  return {
    PGHOST: target.host,
    PGPORT: String(target.port),
    PGDATABASE: target.database,
    PGUSER: target.username,
    PGPASSWORD: target.password,
  };
}

async function run(
  cmd: string,
  args: string[],
  target: DbTarget,
  signal?: AbortSignal,
): Promise<void> {
  const child = new Deno.Command(cmd, {
    args,
    env: { ...pgEnv(target), LC_ALL: "C", PGAPPNAME: "revenge-backup" },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    signal,
  }).spawn();
  // Only the first 4 KB of stderr are kept: enough for the error, bounded for a chatty tool.
  const chunks: Uint8Array[] = [];
  let kept = 0;
  for await (const chunk of child.stderr) {
    if (kept < STDERR_LIMIT) {
      chunks.push(chunk.subarray(0, STDERR_LIMIT - kept));
      kept += Math.min(chunk.length, STDERR_LIMIT - kept);
    }
  }
  const status = await child.status;
  if (!status.success) {
    const text = new TextDecoder().decode(
      chunks.reduce((a, b) => {
        const c = new Uint8Array(a.length + b.length);
        c.set(a);
        c.set(b, a.length);
        return c;
      }, new Uint8Array()),
    ).trim();
    const name = cmd.split("/").at(-1);
    throw new PgToolsError(
      `${name} failed (exit ${status.code}${status.signal ? `, ${status.signal}` : ""}): ${
        text.split("\n").filter((l) => l.trim()).slice(-3).join(" | ") || "no message"
      }`,
    );
  }
}

/**
 * Dumps the whole database to `file` in custom format (compressed). pg_dump
 * reads everything in one repeatable-read snapshot, so the dump is consistent
 * while the server writes.
 */
export function pgDump(
  tools: PgTools,
  target: DbTarget,
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  return run(
    tools.pgDump,
    ["--format=custom", "--no-owner", "--no-privileges", "--file", file],
    target,
    signal,
  );
}

/**
 * Restores a custom-format dump into the (empty) database of `target`,
 * stopping at the first error; `jobs` tables load and indexes build in
 * parallel.
 */
export function pgRestore(
  tools: PgTools,
  target: DbTarget,
  file: string,
  options: { jobs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const args = ["--exit-on-error", "--no-owner", "--no-privileges", `--jobs=${options.jobs ?? 2}`];
  const db = pgEnv(target).PGDATABASE;
  return run(tools.pgRestore, [...args, "--dbname", db, file], target, options.signal);
}
