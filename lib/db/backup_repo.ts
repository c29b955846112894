/** SQL of backups: the server's version, the migration level, whether a database is empty. */
import type { Queryable } from "./client.ts";

/** The backup repository. */
export function createBackupRepo(q: Queryable) {
  return {
    /** The server's major version (15, 18, ...). */
    async serverMajor(): Promise<number> {
      const [r] = await q<{ v: string }[]>`select current_setting('server_version_num') as v`;
      return Math.floor(Number(r.v) / 10000);
    },
    /** The highest applied migration, or null on a database without any. */
    async migrationLevel(): Promise<string | null> {
      const [t] = await q<
        { t: string | null }[]
      >`select to_regclass('schema_migrations')::text as t`;
      if (!t.t) return null;
      const [r] = await q<{ v: string | null }[]>`select max(version) as v from schema_migrations`;
      return r.v;
    },
    /** Relations in schemas other than the system's: 0 for a database fit to restore into. */
    async userRelations(): Promise<number> {
      const [r] = await q<{ n: number }[]>`
        select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
          and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'`;
      return r.n;
    },
  };
}

/** The backup repository's type. */
export type BackupRepo = ReturnType<typeof createBackupRepo>;
