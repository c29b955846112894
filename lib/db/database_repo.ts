/** SQL on the server's catalog: whether a database exists, creating one. */
import type { Queryable } from "./client.ts";

/** The database repository (connect it to the `postgres` database). */
export function createDatabaseRepo(q: Queryable) {
  return {
    async exists(name: string): Promise<boolean> {
      const rows = await q`select 1 from pg_database where datname = ${name}`;
      return rows.length > 0;
    },
    async create(name: string): Promise<void> {
      // CREATE DATABASE takes no parameters: the name is quoted as an identifier.
      await q.unsafe(`create database "${name.replaceAll('"', '""')}"`);
    },
  };
}
