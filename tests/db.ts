/**
 * Test databases: every test file gets its own database, cloned from a
 * template that has all migrations applied (or empty, for migration tests).
 * `TEST_DATABASE_URL` names the server; `deno task test` sets it.
 */
import postgres from "postgres";
import { createSql, type DbTarget, parseDatabaseUrl, type Sql } from "../lib/db/client.ts";
import { migrate } from "../lib/db/migrate.ts";

/**
 * Prefix of every database one test run creates, so they can be dropped
 * afterwards. It is unique per run: several runs may share one server.
 */
export const TEST_DB_PREFIX = Deno.env.get("TEST_DB_PREFIX") ??
  `revenge_test_${crypto.randomUUID().slice(0, 8)}_`;
const TEMPLATE = `${TEST_DB_PREFIX}template`;

/** A database of one's own for a test file. */
export interface TestDatabase {
  name: string;
  /** URL to hand to Revenge as `DATABASE_URL`. */
  url: string;
  target: DbTarget;
  /** A pool on the database. */
  sql: Sql;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = Deno.env.get("TEST_DATABASE_URL");
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run the tests with `deno task test`");
  return url;
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = "/" + name;
  return u.toString();
}

function admin(url: string) {
  const target = parseDatabaseUrl(url);
  const opts = { max: 1, onnotice: () => {} };
  return typeof target === "string"
    ? postgres(target, opts)
    : postgres({ ...target, user: target.username, ...opts });
}

/** Drops every database this test run made. */
export async function dropTestDatabases(url: string): Promise<void> {
  const sql = admin(url);
  try {
    const rows = await sql<{ datname: string }[]>`
      select datname from pg_database where datname like ${TEST_DB_PREFIX + "%"}`;
    for (const r of rows) await sql.unsafe(`drop database if exists "${r.datname}" with (force)`);
  } finally {
    await sql.end();
  }
}

/** Creates the migrated template database that test files clone. */
export async function prepareTemplate(url: string): Promise<void> {
  const sql = admin(url);
  try {
    await sql.unsafe(`create database "${TEMPLATE}"`);
  } finally {
    await sql.end();
  }
  const tpl = createSql(withDatabase(url, TEMPLATE), { max: 1 });
  try {
    await migrate(tpl);
  } finally {
    await tpl.end();
  }
}

/** Options for {@linkcode createTestDatabase}. */
export interface TestDatabaseOptions {
  /** false: an empty database, for migration tests. Default true. */
  migrated?: boolean;
  /** Pool size. */
  max?: number;
}

/** Creates a fresh database for the calling test file. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const url = serverUrl();
  const name = `${TEST_DB_PREFIX}${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const sql0 = admin(url);
  try {
    const template = options.migrated === false ? "template0" : TEMPLATE;
    await sql0.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await sql0.end();
  }
  const dbUrl = withDatabase(url, name);
  const sql = createSql(dbUrl, { max: options.max ?? 5 });
  return {
    name,
    url: dbUrl,
    target: parseDatabaseUrl(dbUrl),
    sql,
    async drop() {
      await sql.end({ timeout: 1 });
      const s = admin(url);
      try {
        await s.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await s.end();
      }
    },
  };
}
