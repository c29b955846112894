/**
 * Makes one backup archive: a custom-format `pg_dump` of the database (one
 * snapshot, so consistent while the server runs and a scan writes), the
 * secret key file that seals the second factors, with `withCache` the
 * artwork and transcode caches, and the manifest with every member's
 * SHA-256 (last, so the archive is written in one pass). The archive is
 * written beside its destination and renamed into place when complete: a
 * crash leaves no half archive under the final name.
 */
import { basename, dirname, join, relative, resolve } from "node:path";
import { createHash } from "node:crypto";
import { createSql } from "../db/client.ts";
import { createBackupRepo } from "../db/backup_repo.ts";
import { findPgTools, pgDump } from "../db/pg_tools.ts";
import type { Logger } from "../observability/logger.ts";
import { VERSION } from "../version.ts";
import { createArchiveWriter, type MemberInfo } from "./archive.ts";
import { type DatabaseSite, withDatabase } from "./_database.ts";
import { BackupError } from "./errors.ts";
import {
  CACHE_DIRS,
  DATA_PREFIX,
  FORMAT,
  FORMAT_VERSION,
  type Manifest,
  MEMBERS,
} from "./manifest.ts";

/** What a backup reads, besides the database. */
export interface BackupSource extends DatabaseSite {
  /** `backup.pgBin`. */
  pgBin?: string;
  /** Whether `REVENGE_SECRET_KEY` is set (then no key file is used, and none is archived). */
  secretKeyFromEnv?: boolean;
  /** `auth.secretKeyFile`; unset: `<data dir>/secret.key`. */
  secretKeyFile?: string;
}

/** Options of {@linkcode createBackup}. */
export interface CreateBackupOptions extends BackupSource {
  /** The archive to write (replaced if it exists). */
  file: string;
  withCache: boolean;
  logger: Logger;
  now?: () => Date;
  signal?: AbortSignal;
}

/** A finished backup. */
export interface BackupResult {
  file: string;
  bytes: number;
  manifest: Manifest;
}

async function* cacheFiles(dataDir: string): AsyncGenerator<string> {
  async function* walk(dir: string): AsyncGenerator<string> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const path = join(dir, e.name);
      // Symbolic links are not followed: a cache holds plain files, and a link could point anywhere.
      if (e.isDirectory) yield* walk(path);
      else if (e.isFile) yield path;
    }
  }
  for (const d of CACHE_DIRS) yield* walk(join(dataDir, d));
}

function secretKeyPath(s: BackupSource): string | undefined {
  if (s.secretKeyFromEnv) return undefined;
  return s.secretKeyFile ? resolve(s.secretKeyFile) : join(resolve(s.dataDir), "secret.key");
}

/** Writes a backup archive to `options.file`. */
export async function createBackup(options: CreateBackupOptions): Promise<BackupResult> {
  const log = options.logger.child({ component: "backup" });
  const now = options.now ?? (() => new Date());
  const file = resolve(options.file);
  const dataDir = resolve(options.dataDir);
  await Deno.mkdir(dirname(file), { recursive: true });
  const tag = crypto.randomUUID().slice(0, 8);
  const dumpFile = join(dirname(file), `.${basename(file)}.${tag}.pgdump`);
  const partial = join(dirname(file), `.${basename(file)}.${tag}.partial`);
  try {
    const db = await withDatabase(options, log, async (target, embedded) => {
      const sql = createSql(target, { max: 1, applicationName: "revenge-backup" });
      let serverMajor: number, migration: string | null;
      try {
        const repo = createBackupRepo(sql);
        serverMajor = await repo.serverMajor();
        migration = await repo.migrationLevel();
      } finally {
        await sql.end({ timeout: 5 });
      }
      const tools = await findPgTools(serverMajor, options.pgBin);
      await pgDump(tools, target, dumpFile, options.signal);
      return { serverMajor, migration, pgDump: tools.version, embedded };
    });

    using out = await Deno.open(partial, {
      write: true,
      create: true,
      truncate: true,
      mode: 0o600,
    });
    const writer = createArchiveWriter(out, now());
    const members: MemberInfo[] = [];
    members.push(await writer.addFile(MEMBERS.database, dumpFile));
    await Deno.remove(dumpFile);

    let secretKey: Manifest["secretKey"] = options.secretKeyFromEnv ? "environment" : "none";
    const keyPath = secretKeyPath(options);
    if (keyPath) {
      try {
        members.push(await writer.addFile(MEMBERS.secretKey, keyPath));
        secretKey = "file";
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
    if (options.withCache) {
      for await (const path of cacheFiles(dataDir)) {
        options.signal?.throwIfAborted();
        try {
          members.push(await writer.addFile(DATA_PREFIX + relative(dataDir, path), path));
        } catch (e) {
          // A transcode segment deleted while the backup walks: it is a cache, skip it.
          if (!(e instanceof Deno.errors.NotFound)) throw e;
        }
      }
    }
    const manifest: Manifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      revengeVersion: VERSION,
      migration: db.migration,
      createdAt: now().toISOString(),
      database: { serverMajor: db.serverMajor, pgDump: db.pgDump, embedded: db.embedded },
      secretKey,
      withCache: options.withCache,
      members,
    };
    const text = new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n");
    await writer.addBytes(MEMBERS.manifest, text);
    await writer.addBytes(
      MEMBERS.manifestSum,
      new TextEncoder().encode(createHash("sha256").update(text).digest("hex") + "\n"),
    );
    await writer.finish();
    await out.sync();
    await Deno.rename(partial, file);
    const bytes = (await Deno.stat(file)).size;
    log.info("backup written", {
      file,
      bytes,
      members: members.length,
      withCache: options.withCache,
    });
    return { file, bytes, manifest };
  } catch (e) {
    await Deno.remove(dumpFile).catch(() => {});
    await Deno.remove(partial).catch(() => {});
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new BackupError(`cannot write ${file}: permission denied`, { cause: e });
    }
    throw e;
  }
}
