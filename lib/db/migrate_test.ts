import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { createTestDatabase } from "../../tests/db.ts";
import { dbTest } from "../../tests/harness.ts";
import { migrate, MigrationError, migrationStatus, readMigrations } from "./migrate.ts";

const parent = await Deno.makeTempDir({ prefix: "revenge-mig-" });
globalThis.addEventListener("unload", () => Deno.removeSync(parent, { recursive: true }));

async function dirWith(files: Record<string, string>): Promise<URL> {
  const dir = await Deno.makeTempDir({ dir: parent });
  for (const [name, sql] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, sql);
  return new URL(`file://${dir}/`);
}

dbTest("migrate applies files in order, once, and records them", async () => {
  const db = await createTestDatabase({ migrated: false });
  try {
    const dir = await dirWith({
      "0002_add_b.sql": "alter table a add column b int;",
      "0001_create_a.sql": "create table a (id int);",
    });
    assertEquals(await migrate(db.sql, await readMigrations(dir)), ["0001", "0002"]);
    assertEquals(await migrate(db.sql, await readMigrations(dir)), []);
    const cols = await db.sql`select column_name from information_schema.columns
      where table_name = 'a' order by ordinal_position`;
    assertEquals(cols.map((c) => c.column_name), ["id", "b"]);
    const status = await migrationStatus(db.sql, await readMigrations(dir));
    assertEquals(status.map((s) => s.state), ["applied", "applied"]);
  } finally {
    await db.drop();
  }
});

dbTest("migrate refuses a migration edited after it was applied", async () => {
  const db = await createTestDatabase({ migrated: false });
  try {
    const dir = await dirWith({ "0001_create_a.sql": "create table a (id int);" });
    await migrate(db.sql, await readMigrations(dir));
    await Deno.writeTextFile(new URL("0001_create_a.sql", dir), "create table a (id bigint);");
    await Deno.writeTextFile(new URL("0002_create_b.sql", dir), "create table b (id int);");
    const err = await assertRejects(
      async () => migrate(db.sql, await readMigrations(dir)),
      MigrationError,
      "0001_create_a.sql was edited",
    );
    assert(err);
    const [{ n }] = await db.sql`select count(*)::int as n from information_schema.tables
      where table_name = 'b'`;
    assertEquals(n, 0, "nothing after the edited file is applied");
    const status = await migrationStatus(db.sql, await readMigrations(dir));
    assertEquals(status.map((s) => s.state), ["edited", "pending"]);
  } finally {
    await db.drop();
  }
});

dbTest("migrate rolls back a failing file and keeps the ones before it", async () => {
  const db = await createTestDatabase({ migrated: false });
  try {
    const dir = await dirWith({
      "0001_create_a.sql": "create table a (id int);",
      "0002_broken.sql": "create table c (id int); select * from no_such_table;",
    });
    await assertRejects(
      async () => migrate(db.sql, await readMigrations(dir)),
      MigrationError,
      "0002_broken.sql failed",
    );
    const tables = await db.sql`select table_name from information_schema.tables
      where table_name in ('a', 'c') order by 1`;
    assertEquals(tables.map((t) => t.table_name), ["a"]);
    const status = await migrationStatus(db.sql, await readMigrations(dir));
    assertEquals(status.map((s) => s.state), ["applied", "pending"]);
  } finally {
    await db.drop();
  }
});

dbTest("migrate run by several instances at once applies each file once", async () => {
  const db = await createTestDatabase({ migrated: false, max: 10 });
  try {
    const dir = await dirWith({
      "0001_create_a.sql": "create table a (id int); select pg_sleep(0.2);",
      "0002_create_b.sql": "create table b (id int);",
    });
    const files = await readMigrations(dir);
    const results = await Promise.all([1, 2, 3, 4].map(() => migrate(db.sql, files)));
    assertEquals(results.flat().sort(), ["0001", "0002"]);
    const [{ n }] = await db.sql`select count(*)::int as n from schema_migrations`;
    assertEquals(n, 2);
  } finally {
    await db.drop();
  }
});

Deno.test("readMigrations rejects badly named files", async () => {
  const dir = await dirWith({ "1_x.sql": "select 1;" });
  await assertRejects(() => readMigrations(dir), MigrationError, "NNNN_name.sql");
});

Deno.test("readMigrations reads the project's migrations in order", async () => {
  const files = await readMigrations();
  assert(files.length >= 1);
  assertEquals(files.map((f) => f.version), [...files.map((f) => f.version)].sort());
});
