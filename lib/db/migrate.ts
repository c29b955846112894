/**
 * Migration runner: plain SQL files in `migrations/` named `NNNN_verb_object.sql`,
 * applied in order, each in its own transaction, under an advisory lock so
 * that instances starting together apply them once. Each applied file's
 * SHA-256 is recorded; a file edited after it was applied is refused.
 */
import type { Sql } from "./client.ts";
import { createMigrationRepo } from "./migration_repo.ts";

/** One migration file. */
export interface MigrationFile {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

/** State of one migration, for `deno task migrate status`. */
export interface MigrationStatus {
  version: string;
  name: string;
  state: "applied" | "pending" | "edited" | "unknown";
  appliedAt?: Date;
}

/** Raised when the migrations on disk and in the database disagree. */
export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** Default folder, resolved so `deno compile --include migrations/` finds it. */
export const MIGRATIONS_DIR = new URL("../../migrations/", import.meta.url);

async function sha256(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Reads and orders the migration files of `dir`. */
export async function readMigrations(dir: URL = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const files: MigrationFile[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(entry.name);
    if (!entry.isFile || !entry.name.endsWith(".sql")) continue;
    if (!m) throw new MigrationError(`migration file name must be NNNN_name.sql: ${entry.name}`);
    const sql = await Deno.readTextFile(new URL(entry.name, dir));
    files.push({ version: m[1], name: m[2], sql, checksum: await sha256(sql) });
  }
  files.sort((a, b) => a.version.localeCompare(b.version));
  for (let i = 1; i < files.length; i++) {
    if (files[i].version === files[i - 1].version) {
      throw new MigrationError(`two migrations share version ${files[i].version}`);
    }
  }
  return files;
}

/** Compares files with what the database has applied. */
export async function migrationStatus(
  sql: Sql,
  files?: MigrationFile[],
): Promise<MigrationStatus[]> {
  files ??= await readMigrations();
  const repo = createMigrationRepo(sql);
  await repo.ensureTable();
  const applied = new Map((await repo.listApplied()).map((r) => [r.version, r]));
  const out: MigrationStatus[] = files.map((f) => {
    const row = applied.get(f.version);
    applied.delete(f.version);
    if (!row) return { version: f.version, name: f.name, state: "pending" };
    return {
      version: f.version,
      name: f.name,
      state: row.checksum === f.checksum ? "applied" : "edited",
      appliedAt: row.appliedAt,
    };
  });
  for (const row of applied.values()) {
    out.push({ version: row.version, name: row.name, state: "unknown", appliedAt: row.appliedAt });
  }
  return out.sort((a, b) => a.version.localeCompare(b.version));
}

/**
 * The extension a failed `create extension` could not find: PostgreSQL says
 * `extension "x" is not available` (15+) or cannot open `x.control`.
 */
export function missingExtension(e: unknown): string | null {
  const message = (e as Error)?.message ?? "";
  return /extension "([^"]+)" is not available/.exec(message)?.[1] ??
    /could not open extension control file "[^"]*\/([^"/]+)\.control"/.exec(message)?.[1] ??
    null;
}

/**
 * Applies pending migrations. Refuses (MigrationError) if an applied file was
 * edited. Returns the versions it applied.
 */
export async function migrate(sql: Sql, files?: MigrationFile[]): Promise<string[]> {
  files ??= await readMigrations();
  const conn = await sql.reserve();
  const repo = createMigrationRepo(conn as unknown as Sql);
  try {
    // Held across the per-file transactions below, so a second instance
    // waits here and then finds everything applied.
    await repo.lock();
    try {
      const status = await migrationStatus(conn as unknown as Sql, files);
      const edited = status.find((s) => s.state === "edited");
      if (edited) {
        throw new MigrationError(
          `migration ${edited.version}_${edited.name}.sql was edited after it was applied; ` +
            "migrations are forward-only: restore the file and add a new one",
        );
      }
      const done: string[] = [];
      for (const f of files) {
        if (status.find((s) => s.version === f.version)?.state !== "pending") continue;
        try {
          await repo.apply(f);
        } catch (e) {
          const missing = missingExtension(e);
          if (missing) {
            throw new MigrationError(
              `PostgreSQL has no extension "${missing}" (needed by migration ` +
                `${f.version}_${f.name}.sql): install it on the database server (Debian: the ` +
                `postgresql-contrib package), or leave DATABASE_URL unset to use the embedded ` +
                `PostgreSQL, which ships it`,
              { cause: e },
            );
          }
          throw new MigrationError(
            `migration ${f.version}_${f.name}.sql failed: ${(e as Error).message}`,
            { cause: e },
          );
        }
        done.push(f.version);
      }
      return done;
    } finally {
      await repo.unlock().catch(() => {});
    }
  } finally {
    conn.release();
  }
}
