/**
 * Search needs unaccent, pg_trgm and fuzzystrmatch (migration 0027). A
 * server without one of them stops start-up with a message that names the
 * extension, not a raw SQL error.
 */
import { assert, assertEquals } from "./assert.ts";
import { createTestDatabase } from "./db.ts";
import { dbTest } from "./harness.ts";
import { migrate, MigrationError, missingExtension } from "../lib/db/migrate.ts";

dbTest("missingExtension names the extension PostgreSQL lacks", () => {
  assertEquals(missingExtension(new Error('extension "unaccent" is not available')), "unaccent");
  assertEquals(
    missingExtension(
      new Error(
        'could not open extension control file "/usr/share/postgresql/14/extension/pg_trgm.control": No such file or directory',
      ),
    ),
    "pg_trgm",
  );
  assertEquals(missingExtension(new Error("syntax error")), null);
});

dbTest("migrate names a missing extension in its error", async () => {
  const db = await createTestDatabase({ migrated: false });
  try {
    const sqlText = "create extension if not exists revenge_no_such_extension;";
    let error: unknown;
    try {
      await migrate(db.sql, [{
        version: "0001",
        name: "needs_extension",
        sql: sqlText,
        checksum: "x",
      }]);
    } catch (e) {
      error = e;
    }
    assert(error instanceof MigrationError, String(error));
    assert(
      (error as Error).message.startsWith(
        'PostgreSQL has no extension "revenge_no_such_extension" (needed by migration 0001_needs_extension.sql)',
      ),
      (error as Error).message,
    );
  } finally {
    await db.drop();
  }
});

dbTest("the search extensions are installed by the migrations", async () => {
  const db = await createTestDatabase();
  try {
    const rows = await db.sql<{ extname: string }[]>`
      select extname from pg_extension where extname in ('unaccent', 'pg_trgm', 'fuzzystrmatch')
      order by extname`;
    assertEquals(rows.map((r) => r.extname), ["fuzzystrmatch", "pg_trgm", "unaccent"]);
    const [{ folded }] = await db.sql<
      { folded: string }[]
    >`select search_norm('Amélie: Le Fabuleux') as folded`;
    assertEquals(folded, "amelie le fabuleux");
  } finally {
    await db.drop();
  }
});
