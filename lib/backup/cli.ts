/**
 * `main.ts backup FILE [--with-cache]` and `main.ts restore FILE`. Exit codes:
 * 0 done, 1 failed (the message says why; a restore that fails has written
 * nothing, or removed what it wrote), 2 wrong usage.
 */
import { PgToolsError } from "../db/pg_tools.ts";
import { EmbeddedPostgresError } from "../db/embedded_postgres.ts";
import { createLogger } from "../observability/logger.ts";
import type { Config } from "../registry/modules.ts";
import type { BackupSource } from "./create_backup.ts";
import { createBackup } from "./create_backup.ts";
import { BackupError } from "./errors.ts";
import { restoreBackup } from "./restore_backup.ts";

const USAGE = "usage: main.ts backup FILE [--with-cache] | main.ts restore FILE";

/** What a backup or restore reads from the configuration. */
export function backupSource(config: Config): BackupSource {
  return {
    dataDir: config.server.dataDir,
    databaseUrl: config.database.url,
    runAs: config.database.embeddedUser,
    pgBin: config.backup.pgBin,
    secretKeyFromEnv: Boolean(config.auth.secretKey),
    secretKeyFile: config.auth.secretKeyFile,
  };
}

function parse(args: string[]): { file: string; withCache: boolean } | undefined {
  const flags = args.filter((a) => a.startsWith("--"));
  const rest = args.filter((a) => !a.startsWith("--"));
  if (rest.length !== 1 || flags.some((f) => f !== "--with-cache")) return undefined;
  return { file: rest[0], withCache: flags.includes("--with-cache") };
}

function explain(e: unknown): string {
  if (e instanceof BackupError || e instanceof PgToolsError || e instanceof EmbeddedPostgresError) {
    return e.message;
  }
  return `unexpected error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
}

/** Where the commands print: results to `out`, usage and errors to `err` (`main.ts` passes the terminal). */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Runs `backup` or `restore`; resolves with the process's exit code. */
export async function runBackupCommand(
  command: "backup" | "restore",
  config: Config,
  args: string[],
  print: CommandOutput,
): Promise<number> {
  const parsed = parse(args);
  if (!parsed || (command === "restore" && parsed.withCache)) {
    print.err(USAGE);
    return 2;
  }
  // Warnings and errors only: the command prints its own summary.
  const logger = createLogger({
    level: config.log.level === "debug" ? "debug" : "warn",
    format: config.log.format === "json" ? "json" : "pretty",
  });
  const started = performance.now();
  try {
    if (command === "backup") {
      const r = await createBackup({
        ...backupSource(config),
        file: parsed.file,
        withCache: parsed.withCache,
        logger,
      });
      const s = ((performance.now() - started) / 1000).toFixed(1);
      print.out(
        `backup written: ${r.file} (${r.bytes} bytes, migration ${r.manifest.migration}, ` +
          `${r.manifest.members.length} members, ${s} s)`,
      );
      if (r.manifest.secretKey === "environment") {
        print.out(
          "note: the secret key comes from REVENGE_SECRET_KEY and is not in the archive; keep it",
        );
      }
    } else {
      const r = await restoreBackup({ ...backupSource(config), file: parsed.file, logger });
      const s = ((performance.now() - started) / 1000).toFixed(1);
      print.out(
        `restored ${parsed.file} (Revenge ${r.manifest.revengeVersion}, migration ` +
          `${r.manifest.migration}, made ${r.manifest.createdAt}) in ${s} s`,
      );
      if (r.warning) print.out(`warning: ${r.warning}`);
    }
    return 0;
  } catch (e) {
    print.err(`revenge ${command}: ${explain(e)}`);
    return 1;
  } finally {
    await logger.flush();
  }
}
