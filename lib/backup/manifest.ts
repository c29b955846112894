/**
 * The manifest of a backup archive (`manifest.json`, its first member, with
 * its own SHA-256 in `manifest.sha256` right after it): what made the backup,
 * the migration level of the database, and the size and SHA-256 of every
 * other member. The checksums catch corruption (a flipped bit, a cut copy),
 * not tampering: whoever can rewrite the archive can rewrite them too.
 */
import { z } from "zod";

/** The archive format this code writes and reads. */
export const FORMAT = "revenge-backup";
/** Its version; a reader refuses a higher one. */
export const FORMAT_VERSION = 1;

/** Fixed member names. */
export const MEMBERS = {
  manifest: "manifest.json",
  manifestSum: "manifest.sha256",
  database: "database.pgdump",
  secretKey: "secret.key",
} as const;

/** Prefix of the cache files' members: `data/<path under the data dir>`. */
export const DATA_PREFIX = "data/";
/** The data dir's cache folders that `--with-cache` includes. */
export const CACHE_DIRS = ["cache", "transcode"] as const;

/** The manifest's schema. */
export const Manifest = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.number().int().min(1),
  revengeVersion: z.string().regex(/^\d+\.\d+\.\d+/),
  /** The highest migration applied to the database when it was dumped. */
  migration: z.string().regex(/^\d{4}$/).nullable(),
  createdAt: z.iso.datetime(),
  database: z.object({
    serverMajor: z.number().int(),
    pgDump: z.string(),
    embedded: z.boolean(),
  }),
  /** Where the secret key came from: a file (in the archive), the environment (not), or none. */
  secretKey: z.enum(["file", "environment", "none"]),
  withCache: z.boolean(),
  members: z.array(z.object({
    name: z.string().min(1),
    size: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })),
});

/** A manifest. */
export type Manifest = z.infer<typeof Manifest>;

/** Compares dotted versions numerically ("0.10.0" > "0.9.1"); the pre-release tag is ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[-+]/)[0].split(".").map(Number);
  const pb = b.split(/[-+]/)[0].split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** A member name safe to extract under the data dir: relative, no `..`, in a cache folder. */
export function isSafeDataMember(name: string): boolean {
  if (!name.startsWith(DATA_PREFIX)) return false;
  const rel = name.slice(DATA_PREFIX.length);
  const parts = rel.split("/");
  return parts.length >= 2 && (CACHE_DIRS as readonly string[]).includes(parts[0]) &&
    parts.every((p) =>
      p !== "" && p !== "." && p !== ".." && !p.includes("\0") && !p.includes("\\")
    );
}
