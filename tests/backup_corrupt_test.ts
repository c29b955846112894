/**
 * A damaged or foreign archive is refused before anything is written: a
 * flipped byte in a member or in a tar header, a truncated copy, a member
 * whose checksum the manifest contradicts, an edited manifest, a backup of a
 * newer Revenge or a newer migration level. The CLI answers exit code 1 for
 * each (2 for wrong usage), and the target data dir is not even created. A
 * data dir that is not empty is refused and left as it was.
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { runMain } from "./backup_helpers.ts";
import { createArchiveWriter, readArchive } from "../lib/backup/archive.ts";
import { createBackup } from "../lib/backup/create_backup.ts";
import { BackupError } from "../lib/backup/errors.ts";
import { restoreBackup } from "../lib/backup/restore_backup.ts";
import { verifyBackup } from "../lib/backup/verify_backup.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { writeTestLog } from "./test_log.ts";

const logger = createLogger({ level: "info", format: "pretty", write: writeTestLog });

async function members(file: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  using f = await Deno.open(file);
  for await (const e of readArchive(f)) {
    const parts: Uint8Array[] = [];
    for await (const c of e.chunks()) parts.push(c);
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) all.set(p, (at += p.length) - p.length);
    out.set(e.name, all);
  }
  return out;
}

/** Writes an archive of `m` in order, the manifest's own checksum recomputed unless `keepSum`. */
async function rewrite(file: string, m: Map<string, Uint8Array>, keepSum = false): Promise<void> {
  using f = await Deno.open(file, { write: true, create: true, truncate: true });
  const w = createArchiveWriter(f);
  for (const [name, data] of m) {
    if (name === "manifest.sha256" && !keepSum) {
      const sum = createHash("sha256").update(m.get("manifest.json")!).digest("hex");
      await w.addBytes(name, new TextEncoder().encode(sum + "\n"));
    } else await w.addBytes(name, data);
  }
  await w.finish();
}

function editManifest(m: Map<string, Uint8Array>, edit: (j: Record<string, unknown>) => void) {
  const j = JSON.parse(new TextDecoder().decode(m.get("manifest.json")!));
  edit(j);
  const next = new Map(m);
  next.set("manifest.json", new TextEncoder().encode(JSON.stringify(j)));
  return next;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("backup: a damaged, edited or newer archive is refused before anything is written", async () => {
  const root = await Deno.makeTempDir({ prefix: "revenge-bkc-" });
  await Deno.chmod(root, 0o755);
  const source = join(root, "source");
  const good = join(root, "good.tar");
  try {
    // A stopped data dir: the backup starts its embedded server for the dump and stops it after.
    const migrate = await runMain(["migrate"], { REVENGE_DATA_DIR: source });
    assertEquals(migrate.code, 0, migrate.output);
    await Deno.writeTextFile(join(source, "secret.key"), "ab".repeat(32) + "\n", { mode: 0o600 });
    const made = await createBackup({ dataDir: source, file: good, withCache: false, logger });
    assertEquals(made.manifest.secretKey, "file");
    assertEquals(
      made.manifest.members.map((m) => m.name).sort(),
      ["database.pgdump", "secret.key"],
    );
    assert(!await exists(join(source, "postgres", "data", "postmaster.pid")), "stopped again");
    await verifyBackup(good);

    const bytes = await Deno.readFile(good);
    const original = await members(good);
    const cases: [string, () => Promise<void>, RegExp][] = [
      ["a flipped byte in the dump", async () => {
        const b = bytes.slice();
        b[512 + 200] ^= 0xff;
        await Deno.writeFile(join(root, "case.tar"), b);
      }, /database\.pgdump is corrupted/],
      ["a flipped byte in a tar header", async () => {
        const b = bytes.slice();
        b[3] ^= 0x01;
        await Deno.writeFile(join(root, "case.tar"), b);
      }, /header is corrupted/],
      ["a truncated copy", async () => {
        await Deno.writeFile(join(root, "case.tar"), bytes.slice(0, Math.floor(bytes.length / 2)));
      }, /truncated/],
      ["a checksum the manifest contradicts", async () => {
        await rewrite(
          join(root, "case.tar"),
          editManifest(original, (j) => {
            (j.members as { sha256: string }[])[0].sha256 = "0".repeat(64);
          }),
        );
      }, /is corrupted \(its SHA-256 does not match\)/],
      ["an edited manifest", async () => {
        await rewrite(
          join(root, "case.tar"),
          editManifest(original, (j) => j.withCache = true),
          true,
        );
      }, /manifest is corrupted/],
      ["a backup of a newer Revenge", async () => {
        await rewrite(
          join(root, "case.tar"),
          editManifest(original, (j) => j.revengeVersion = "99.0.0"),
        );
      }, /made by Revenge 99\.0\.0, newer than this one/],
      ["a newer migration level", async () => {
        await rewrite(join(root, "case.tar"), editManifest(original, (j) => j.migration = "9999"));
      }, /migration 9999, newer than this Revenge knows/],
      ["a member the manifest does not list", async () => {
        const m = new Map(original);
        m.set("data/cache/extra", new Uint8Array(3));
        await rewrite(join(root, "case.tar"), m);
      }, /data\/cache\/extra is not in the manifest/],
      ["no archive at all", async () => {
        await Deno.writeTextFile(join(root, "case.tar"), "hello");
      }, /truncated/],
    ];
    for (const [what, make, message] of cases) {
      await make();
      const target = join(root, "target");
      const e = await assertRejects(
        () => restoreBackup({ dataDir: target, file: join(root, "case.tar"), logger }),
        BackupError,
      );
      assertMatch(e.message, message, what);
      assert(!await exists(target), `${what}: nothing written`);
    }

    // The CLI: 1 for a refused archive (nothing written), 2 for wrong usage.
    const cli = await runMain(["restore", join(root, "case.tar")], {
      REVENGE_DATA_DIR: join(root, "cli-target"),
    });
    assertEquals(cli.code, 1, cli.output);
    assertMatch(cli.output, /revenge restore: /);
    assert(!await exists(join(root, "cli-target")));
    const usage = await runMain(["restore"], { REVENGE_DATA_DIR: join(root, "cli-target") });
    assertEquals(usage.code, 2, usage.output);
    const flag = await runMain(["backup", join(root, "x.tar"), "--everything"], {
      REVENGE_DATA_DIR: source,
    });
    assertEquals(flag.code, 2, flag.output);
    const nothing = await runMain(["backup", join(root, "x.tar")], {
      REVENGE_DATA_DIR: join(root, "empty"),
    });
    assertEquals(nothing.code, 1, nothing.output);
    assertMatch(nothing.output, /no database in/);

    // A data dir that is not empty is refused and left alone.
    const busy = join(root, "busy");
    await Deno.mkdir(busy);
    await Deno.writeTextFile(join(busy, "keep.txt"), "mine");
    const refused = await runMain(["restore", good], { REVENGE_DATA_DIR: busy });
    assertEquals(refused.code, 1, refused.output);
    assertMatch(refused.output, /is not empty \(keep\.txt\)/);
    assertEquals([...Deno.readDirSync(busy)].map((e) => e.name), ["keep.txt"]);

    // The good archive restores (exit 0), and the key is the source's.
    const ok = await runMain(["restore", good], { REVENGE_DATA_DIR: join(root, "restored") });
    assertEquals(ok.code, 0, ok.output);
    assertEquals(
      await Deno.readTextFile(join(root, "restored", "secret.key")),
      "ab".repeat(32) + "\n",
    );
  } finally {
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});
