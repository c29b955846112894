// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * Backup and restore against the limit, `pg_dump`/`pg_restore` run by hand.
 *
 * A migrated database gets 50,000 films (`BENCH_FILMS`) with 200,000 people
 * and seven credits each (the search bench's seed), files and genres, plus
 * 20 users with watch progress on 2,500 films each. Then, `BENCH_ROUNDS`
 * (default 3) times each, alternating:
 *
 * - by hand: `pg_dump --format=custom --no-owner --no-privileges` of the
 *   database, and `pg_restore --no-owner --no-privileges --jobs=2` into a new
 *   empty database (the same options Revenge uses: the difference is what
 *   Revenge adds, the archive, its checksums and the verification);
 * - Revenge: `createBackup` (what `main.ts backup FILE` runs) and
 *   `restoreBackup` into a new empty database (`main.ts restore FILE` with
 *   `DATABASE_URL`), which verifies the archive before it writes.
 *
 * Prints the medians side by side with the overhead and the goal (within
 * 10 %). The server is `BENCH_DATABASE_URL` / `TEST_DATABASE_URL`, else an
 * embedded PostgreSQL; its own major version of the tools is used. Asserts
 * nothing.
 */
import { createSql, type Sql } from "../lib/db/client.ts";
import { migrate } from "../lib/db/migrate.ts";
import { findPgTools, pgEnv } from "../lib/db/pg_tools.ts";
import { createBackupRepo } from "../lib/db/backup_repo.ts";
import { createBackup } from "../lib/backup/create_backup.ts";
import { restoreBackup } from "../lib/backup/restore_backup.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { withDatabase } from "../tests/db.ts";
import { benchDatabase } from "./_database.ts";
import { seed } from "./search_bench.ts";

const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
const USERS = 20;
const PROGRESS_PER_USER = 2_500;
const GOAL = 0.10;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function tool(cmd: string, args: string[], url: string): Promise<void> {
  const out = await new Deno.Command(cmd, {
    args,
    env: { ...pgEnv(url), LC_ALL: "C" },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`${cmd}: ${new TextDecoder().decode(out.stderr)}`);
}

/** A new empty database on `url`'s server, its name added to `made`; answers its URL. */
async function createEmpty(admin: Sql, url: string, made: string[]): Promise<string> {
  const name = `${new URL(url).pathname.slice(1)}_r${made.length}`;
  await admin.unsafe(`create database "${name}"`);
  made.push(name);
  return withDatabase(url, name);
}

const db = await benchDatabase("backup");
const sql = createSql(db.url, { max: 4 });
const logger = createLogger({ level: "warn" });
const work = await Deno.makeTempDir({ prefix: "revenge-backup-bench-" });
const restored: string[] = [];
try {
  await migrate(sql);
  const t0 = performance.now();
  const { films } = await seed(sql);
  const users = await sql<{ id: string }[]>`
    insert into users (username, password_hash, password_changed_at, created_at, updated_at)
    select 'bench' || i, 'x', now(), now(), now() from generate_series(1, ${USERS}) i
    returning id`;
  for (const [u, { id }] of users.entries()) {
    const mine = films.slice((u * 997) % films.length).concat(films).slice(0, PROGRESS_PER_USER);
    await sql`
      insert into watch_progress (user_id, movie_id, position_ms, duration_ms, watched)
      select ${id}, m, (random() * 6000000)::bigint, 6000000, random() < 0.3
      from unnest(${mine.map((f) => f.id)}::uuid[]) m`;
  }
  await sql`vacuum analyze`;
  const [{ size, movies, people }] = await sql<{ size: string; movies: number; people: number }[]>`
    select pg_size_pretty(pg_database_size(current_database())) as size,
      (select count(*)::int from movies) as movies, (select count(*)::int from people) as people`;
  const tools = await findPgTools(await createBackupRepo(sql).serverMajor());
  console.log(
    `seeded ${movies} films, ${people} people, ${USERS * PROGRESS_PER_USER} progress rows ` +
      `(${size}) in ${secs(performance.now() - t0)}; ${tools.version}`,
  );

  const admin = createSql(db.url, { max: 1 });
  const emptyDatabase = () => createEmpty(admin, db.url, restored);

  const hand = { dump: [] as number[], restore: [] as number[], bytes: 0 };
  const ours = { dump: [] as number[], restore: [] as number[], bytes: 0 };
  const opts = ["--no-owner", "--no-privileges"];
  for (let r = 0; r < ROUNDS; r++) {
    const dumpFile = `${work}/hand-${r}.pgdump`;
    hand.dump.push(
      await timed(() =>
        tool(tools.pgDump, ["--format=custom", ...opts, "--file", dumpFile], db.url)
      ),
    );
    hand.bytes = (await Deno.stat(dumpFile)).size;
    const handTarget = await emptyDatabase();
    const handDb = pgEnv(handTarget).PGDATABASE;
    hand.restore.push(
      await timed(() =>
        tool(tools.pgRestore, [...opts, "--jobs=2", "--dbname", handDb, dumpFile], handTarget)
      ),
    );
    await Deno.remove(dumpFile);

    const archive = `${work}/revenge-${r}.tar`;
    const dataDir = `${work}/data-${r}`;
    await Deno.mkdir(dataDir);
    ours.dump.push(
      await timed(() =>
        createBackup({ file: archive, withCache: false, logger, dataDir, databaseUrl: db.url })
      ),
    );
    ours.bytes = (await Deno.stat(archive)).size;
    const target = await emptyDatabase();
    const restoreDir = `${work}/restore-${r}`;
    ours.restore.push(
      await timed(() =>
        restoreBackup({ file: archive, logger, dataDir: restoreDir, databaseUrl: target, jobs: 2 })
      ),
    );
    const check = createSql(target, { max: 1 });
    const [{ n }] = await check<{ n: number }[]>`select count(*)::int as n from movies`;
    await check.end();
    if (n !== movies) throw new Error(`restored ${n} films of ${movies}`);
    await Deno.remove(archive);
    await Deno.remove(dataDir, { recursive: true });
    await Deno.remove(restoreDir, { recursive: true });
  }
  await admin.end();

  const row = (what: string, mine: number[], limit: number[]) => {
    const over = median(mine) / median(limit) - 1;
    console.log(
      `${what}: Revenge ${secs(median(mine))}, by hand ${secs(median(limit))} ` +
        `(${over >= 0 ? "+" : ""}${(over * 100).toFixed(1)} %; goal within ${GOAL * 100} %: ${
          over <= GOAL ? "met" : "missed"
        }); all rounds Revenge ${mine.map(secs).join(", ")}, by hand ${limit.map(secs).join(", ")}`,
    );
  };
  console.log(
    `median of ${ROUNDS} rounds; archive ${(ours.bytes / 1e6).toFixed(1)} MB, ` +
      `pg_dump's file ${(hand.bytes / 1e6).toFixed(1)} MB`,
  );
  row("backup", ours.dump, hand.dump);
  row("restore", ours.restore, hand.restore);
} finally {
  await sql.end();
  const admin = createSql(db.url, { max: 1 });
  for (const name of restored) {
    await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
  }
  await admin.end();
  await db.drop();
  await Deno.remove(work, { recursive: true }).catch(() => {});
}
