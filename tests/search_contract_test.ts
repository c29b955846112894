/**
 * The search contract (tests/search_contract.ts) on every engine: PostgreSQL,
 * Typesense's local stand-in (tests/fakes/typesense.ts), and a real
 * Typesense when REVENGE_TYPESENSE_URL and REVENGE_TYPESENSE_API_KEY are set.
 * Typesense catches up through the outbox, drained as the sync job does.
 */
import { dbTest } from "./harness.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";
import { runContract } from "./search_contract.ts";
import { createPgSearchEngine } from "../lib/search/pg_engine.ts";
import { createTypesenseClient } from "../lib/search/typesense_client.ts";
import { createTypesenseEngine } from "../lib/search/typesense_engine.ts";
import { syncOutbox } from "../lib/search/sync_job.ts";
import { startFakeTypesense } from "./fakes/typesense.ts";

dbTest("PostgreSQL search engine keeps the search contract", async (t) => {
  const db = await createTestDatabase();
  try {
    await runContract(t, db.sql, () =>
      Promise.resolve({
        engine: createPgSearchEngine({ sql: db.sql }),
        settle: () => Promise.resolve(),
      }));
  } finally {
    await db.drop();
  }
});

async function typesenseContract(t: Deno.TestContext, url: string, apiKey: string) {
  const db: TestDatabase = await createTestDatabase();
  try {
    await db.sql`update search_state set typesense = true`;
    const alias = `contract_${crypto.randomUUID().slice(0, 8)}`;
    const engine = createTypesenseEngine({
      sql: db.sql,
      client: createTypesenseClient({ url, apiKey, timeoutMs: 5000 }),
      alias,
      batch: 100,
    });
    const job = {
      transaction: <T>(fn: (tx: never) => Promise<T>) => db.sql.begin(fn as never) as Promise<T>,
    };
    await runContract(
      t,
      db.sql,
      () =>
        Promise.resolve({ engine, settle: async () => void await syncOutbox(job, engine, 100) }),
    );
  } finally {
    await db.drop();
  }
}

dbTest("Typesense search engine keeps the search contract (local stand-in)", async (t) => {
  const fake = await startFakeTypesense();
  try {
    await typesenseContract(t, fake.url, fake.apiKey);
  } finally {
    await fake.close();
  }
});

const realUrl = Deno.env.get("REVENGE_TYPESENSE_URL");
const realKey = Deno.env.get("REVENGE_TYPESENSE_API_KEY");
if (realUrl && realKey) {
  dbTest(
    "Typesense search engine keeps the search contract (REVENGE_TYPESENSE_URL)",
    (t) => typesenseContract(t, realUrl, realKey),
  );
}
