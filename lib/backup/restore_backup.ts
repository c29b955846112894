/**
 * Restores a backup archive into an empty data dir (embedded database) or an
 * empty external database. Everything is checked before the first write:
 * the archive from end to end (`verify_backup.ts`), that the target is empty,
 * that the key file would not overwrite another key, and that pg_restore of
 * the target server's major version is there. Then the key file and caches
 * are written, the dump is extracted (its checksum checked again on the way)
 * and loaded with pg_restore. If a step fails after writing began, what the
 * restore wrote into the (previously empty) data dir is removed again, so
 * the restore can simply be run again; an external database is left as the
 * failed pg_restore left it (drop and recreate it before retrying).
 */
import { dirname, join, resolve } from "node:path";
import { createSql } from "../db/client.ts";
import { createBackupRepo } from "../db/backup_repo.ts";
import { embeddedServerMajor } from "../db/embedded_postgres_cluster.ts";
import { findPgTools, pgRestore, type PgTools } from "../db/pg_tools.ts";
import type { Logger } from "../observability/logger.ts";
import { hashChunks, readArchive } from "./archive.ts";
import { withDatabase } from "./_database.ts";
import type { BackupSource } from "./create_backup.ts";
import { BackupError } from "./errors.ts";
import { DATA_PREFIX, isSafeDataMember, type Manifest, MEMBERS } from "./manifest.ts";
import { verifyBackup } from "./verify_backup.ts";

/** Options of {@linkcode restoreBackup}. */
export interface RestoreBackupOptions extends BackupSource {
  file: string;
  logger: Logger;
  /** pg_restore's parallel jobs (default 2). */
  jobs?: number;
}

/** A finished restore. */
export interface RestoreResult {
  manifest: Manifest;
  /** Set when the key was not in the archive: what the administrator must do. */
  warning?: string;
}

async function dataDirEntries(dataDir: string, archive: string): Promise<string[]> {
  try {
    const names: string[] = [];
    for await (const e of Deno.readDir(dataDir)) {
      // The archive itself may sit in the data dir it is restored into.
      if (join(dataDir, e.name) === archive) continue;
      names.push(e.name);
    }
    return names;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

async function readFileOrUndefined(path: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Restores `options.file`; throws {@linkcode BackupError} (nothing written) when it cannot. */
export async function restoreBackup(options: RestoreBackupOptions): Promise<RestoreResult> {
  const log = options.logger.child({ component: "restore" });
  const file = resolve(options.file);
  const dataDir = resolve(options.dataDir);
  const { manifest, secretKey } = await verifyBackup(file);

  // --- checks, before any write ---
  const external = Boolean(options.databaseUrl);
  let tools: PgTools;
  if (external) {
    tools = await withDatabase(options, log, async (target) => {
      const sql = createSql(target, { max: 1, applicationName: "revenge-restore" });
      try {
        const repo = createBackupRepo(sql);
        const n = await repo.userRelations();
        if (n > 0) {
          throw new BackupError(
            `the database of DATABASE_URL is not empty (${n} tables, views or sequences); ` +
              `restore into a new, empty database`,
          );
        }
        return await findPgTools(await repo.serverMajor(), options.pgBin);
      } finally {
        await sql.end({ timeout: 5 });
      }
    });
  } else {
    const present = await dataDirEntries(dataDir, file);
    if (present.length) {
      throw new BackupError(
        `the data dir ${dataDir} is not empty (${present.slice(0, 5).join(", ")}${
          present.length > 5 ? ", ..." : ""
        }); restore into a new, empty data dir`,
      );
    }
    tools = await findPgTools(await embeddedServerMajor(), options.pgBin);
  }
  const keyPath = options.secretKeyFile
    ? resolve(options.secretKeyFile)
    : join(dataDir, "secret.key");
  const existingKey = secretKey ? await readFileOrUndefined(keyPath) : undefined;
  if (existingKey && !sameBytes(existingKey, secretKey!)) {
    throw new BackupError(
      `${keyPath} holds another secret key than the backup's; move it away and restore again`,
    );
  }

  // --- writes ---
  const created: string[] = [];
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o750 });
  const dumpFile = join(dataDir, `.restore-${crypto.randomUUID().slice(0, 8)}.pgdump`);
  try {
    using f = await Deno.open(file, { read: true });
    for await (const entry of readArchive(f)) {
      const member = manifest.members.find((m) => m.name === entry.name);
      if (!member) continue; // the manifest itself, checked already
      let dest: string;
      if (entry.name === MEMBERS.database) dest = dumpFile;
      else if (entry.name === MEMBERS.secretKey) {
        if (existingKey) continue; // the same key is there already
        dest = keyPath;
      } else if (isSafeDataMember(entry.name)) {
        dest = join(dataDir, entry.name.slice(DATA_PREFIX.length));
      } else continue;
      await Deno.mkdir(dirname(dest), { recursive: true });
      using out = await Deno.open(dest, { write: true, createNew: true, mode: 0o600 });
      created.push(dest);
      const got = await hashChunks(entry.chunks(), async (c) => {
        let off = 0;
        while (off < c.length) off += await out.write(c.subarray(off));
      });
      if (got.sha256 !== member.sha256) {
        throw new BackupError(`member ${entry.name} changed since it was verified`);
      }
    }
    await withDatabase(
      options,
      log,
      (target) => pgRestore(tools, target, dumpFile, { jobs: options.jobs }),
      { create: true },
    );
    await Deno.remove(dumpFile);
    log.info("backup restored", { file, dataDir, external, migration: manifest.migration });
  } catch (e) {
    await Deno.remove(dumpFile).catch(() => {});
    if (!external) {
      // The data dir was empty: take it back to that, so the restore can be run again.
      for await (const e of Deno.readDir(dataDir)) {
        if (join(dataDir, e.name) !== file) {
          await Deno.remove(join(dataDir, e.name), { recursive: true }).catch(() => {});
        }
      }
    } else {
      for (const p of created) await Deno.remove(p).catch(() => {});
    }
    throw e;
  }
  const warning = manifest.secretKey === "environment"
    ? "the backup's secret key came from REVENGE_SECRET_KEY and is not in the archive: start " +
      "Revenge with the same REVENGE_SECRET_KEY, or second factors (TOTP, backup codes) cannot be opened"
    : undefined;
  return { manifest, warning };
}
