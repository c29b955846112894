/**
 * SQL of the migration runner (`migrate.ts`): the `schema_migrations`
 * table, the advisory lock that serialises instances, and applying one file.
 */
import type { Queryable } from "./client.ts";

/** A row of `schema_migrations`. */
export interface AppliedMigration {
  version: string;
  name: string;
  checksum: string;
  appliedAt: Date;
}

/** A migration as applied: version, name, checksum and its SQL text. */
export interface MigrationToApply {
  version: string;
  name: string;
  checksum: string;
  sql: string;
}

// Any constant would do; this one spells "revenge" so it is recognisable in pg_locks.
const LOCK_ID = 0x726576656e6765n;

/** The migration repository, on a pool or on one reserved connection. */
export function createMigrationRepo(q: Queryable) {
  return {
    async ensureTable(): Promise<void> {
      await q`
        create table if not exists schema_migrations (
          version text primary key,
          name text not null,
          checksum text not null,
          applied_at timestamptz not null default now()
        )`;
    },
    listApplied(): Promise<AppliedMigration[]> {
      return q<AppliedMigration[]>`
        select version, name, checksum, applied_at as "appliedAt" from schema_migrations`;
    },
    /** Session-level lock: held across the per-file transactions, on a reserved connection. */
    async lock(): Promise<void> {
      await q`select pg_advisory_lock(${LOCK_ID.toString()}::bigint)`;
    },
    async unlock(): Promise<void> {
      await q`select pg_advisory_unlock(${LOCK_ID.toString()}::bigint)`;
    },
    /**
     * Runs the file and records it in one transaction. Plain `begin`/`commit`
     * rather than `sql.begin()`: this is one reserved connection, which must
     * keep the session lock above between files.
     */
    async apply(m: MigrationToApply): Promise<void> {
      await q.unsafe("begin");
      try {
        await q.unsafe(m.sql);
        await q`
          insert into schema_migrations (version, name, checksum)
          values (${m.version}, ${m.name}, ${m.checksum})`;
        await q.unsafe("commit");
      } catch (e) {
        await q.unsafe("rollback").catch(() => {});
        throw e;
      }
    },
  };
}
