/**
 * Checks a backup archive from end to end without writing anything: every
 * tar header's checksum, the manifest's own SHA-256, its schema, and the
 * size and SHA-256 of every member against the manifest, with nothing
 * missing and nothing extra; then that this code can restore it (its format,
 * Revenge version and migration level are not newer than this code's).
 */
import { createHash } from "node:crypto";
import { readMigrations } from "../db/migrate.ts";
import { VERSION } from "../version.ts";
import { ArchiveError, hashChunks, readArchive } from "./archive.ts";
import { BackupError } from "./errors.ts";
import {
  compareVersions,
  FORMAT_VERSION,
  isSafeDataMember,
  Manifest,
  MEMBERS,
} from "./manifest.ts";

/** A verified archive. */
export interface VerifiedBackup {
  manifest: Manifest;
  /** The archive's size in bytes. */
  bytes: number;
  /** The secret key file's content, if the archive holds it. */
  secretKey?: Uint8Array;
}

async function collect(chunks: AsyncIterable<Uint8Array>, max: number, name: string) {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > max) throw new BackupError(`${name} is implausibly large (${n} bytes)`);
    parts.push(c);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Verifies `file`; throws {@linkcode BackupError} naming the first problem. */
export async function verifyBackup(file: string): Promise<VerifiedBackup> {
  let f: Deno.FsFile;
  try {
    f = await Deno.open(file, { read: true });
  } catch (e) {
    throw new BackupError(`cannot open ${file}: ${(e as Error).message.replace(/,.*$/, "")}`);
  }
  const seen = new Map<string, { size: number; sha256: string }>();
  let manifestBytes: Uint8Array | undefined;
  let manifestSum: string | undefined;
  let secretKey: Uint8Array | undefined;
  try {
    const bytes = (await f.stat()).size;
    for await (const entry of readArchive(f)) {
      if (seen.has(entry.name) || entry.name === MEMBERS.manifest && manifestBytes) {
        throw new BackupError(`the archive holds ${entry.name} twice`);
      }
      if (entry.name === MEMBERS.manifest) {
        manifestBytes = await collect(entry.chunks(), 64 << 20, MEMBERS.manifest);
      } else if (entry.name === MEMBERS.manifestSum) {
        manifestSum = new TextDecoder().decode(await collect(entry.chunks(), 1024, entry.name))
          .trim();
      } else if (entry.name === MEMBERS.secretKey) {
        secretKey = await collect(entry.chunks(), 4096, entry.name);
        seen.set(entry.name, {
          size: secretKey.length,
          sha256: createHash("sha256").update(secretKey).digest("hex"),
        });
      } else {
        seen.set(entry.name, await hashChunks(entry.chunks()));
      }
    }
    if (!manifestBytes || !manifestSum) {
      throw new BackupError("not a Revenge backup: no manifest (manifest.json, manifest.sha256)");
    }
    if (createHash("sha256").update(manifestBytes).digest("hex") !== manifestSum) {
      throw new BackupError("the manifest is corrupted (its SHA-256 does not match)");
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(manifestBytes));
    } catch {
      throw new BackupError("the manifest is not JSON");
    }
    const m = Manifest.safeParse(parsed);
    if (!m.success) {
      const issue = m.error.issues[0];
      throw new BackupError(
        `not a Revenge backup manifest: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      );
    }
    const manifest = m.data;
    const listed = new Set<string>();
    for (const member of manifest.members) {
      const got = seen.get(member.name);
      if (!got) throw new BackupError(`member ${member.name} is missing from the archive`);
      if (got.size !== member.size) {
        throw new BackupError(
          `member ${member.name} has ${got.size} bytes, the manifest says ${member.size}`,
        );
      }
      if (got.sha256 !== member.sha256) {
        throw new BackupError(`member ${member.name} is corrupted (its SHA-256 does not match)`);
      }
      listed.add(member.name);
    }
    for (const name of seen.keys()) {
      if (!listed.has(name)) throw new BackupError(`member ${name} is not in the manifest`);
      const known = name === MEMBERS.database || name === MEMBERS.secretKey ||
        isSafeDataMember(name);
      if (!known) throw new BackupError(`member ${name} is not one a backup holds`);
    }
    if (!listed.has(MEMBERS.database)) throw new BackupError("the archive holds no database dump");
    if ((manifest.secretKey === "file") !== listed.has(MEMBERS.secretKey)) {
      throw new BackupError("the manifest and the archive disagree about the secret key");
    }
    await checkCompatible(manifest);
    return { manifest, bytes, secretKey };
  } catch (e) {
    if (e instanceof ArchiveError) throw new BackupError(e.message, { cause: e });
    throw e;
  } finally {
    f.close();
  }
}

/** Refuses a backup of a newer format, Revenge version or migration level than this code's. */
export async function checkCompatible(manifest: Manifest): Promise<void> {
  if (manifest.formatVersion > FORMAT_VERSION) {
    throw new BackupError(
      `the backup's format (version ${manifest.formatVersion}) is newer than this Revenge reads ` +
        `(${FORMAT_VERSION}); restore it with Revenge ${manifest.revengeVersion} or later`,
    );
  }
  if (compareVersions(manifest.revengeVersion, VERSION) > 0) {
    throw new BackupError(
      `the backup was made by Revenge ${manifest.revengeVersion}, newer than this one ` +
        `(${VERSION}); restore it with Revenge ${manifest.revengeVersion} or later`,
    );
  }
  const known = (await readMigrations()).at(-1)?.version ?? "0000";
  if (manifest.migration && manifest.migration > known) {
    throw new BackupError(
      `the backup's database is at migration ${manifest.migration}, newer than this Revenge ` +
        `knows (${known}); restore it with the Revenge that made it, or a later one`,
    );
  }
}
