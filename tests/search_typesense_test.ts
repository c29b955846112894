/**
 * Revenge with Typesense configured (its local stand-in): the first start
 * builds the index under the alias; a film changed in PostgreSQL reaches
 * Typesense through the outbox job enqueued in the change's transaction; a
 * reindex builds a new collection and swaps the alias; and when Typesense
 * goes down in the middle of a search session, answers keep coming, from
 * PostgreSQL, and the admin status says so.
 */
import { assert, assertEquals } from "./assert.ts";
import { call, createUser, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { contractFilms } from "./search_contract.ts";
import { startFakeTypesense } from "./fakes/typesense.ts";
import { waitFor } from "./wait_for.ts";

const S = "/api/v1/search";

dbTest(
  "search with Typesense: outbox, alias swap, and PostgreSQL when Typesense is down",
  async (t) => {
    const ts = await startFakeTypesense();
    const app = await startTestApp({
      env: {
        REVENGE_TYPESENSE_URL: ts.url,
        REVENGE_TYPESENSE_API_KEY: ts.apiKey,
        REVENGE_TYPESENSE_COLLECTION: "films",
        REVENGE_TYPESENSE_RETRY_MS: "200",
      },
    });
    try {
      const admin = await setupAdmin(app);
      const { films, libA } = await contractFilms(app.db.sql);
      const alice = await createUser(app, admin.token, "alice");
      await call(app, "PUT", `/api/v1/admin/users/${alice.id}/libraries`, {
        token: admin.token,
        body: { libraryIds: [libA] },
      });
      const status = async () =>
        (await call(app, "GET", "/api/v1/admin/search/status", { token: admin.token })).body;
      const search = (q: string) =>
        call(app, "GET", `${S}/movies?q=${encodeURIComponent(q)}`, { token: alice.token });

      await t.step("the first start builds the index under the alias", async () => {
        await waitFor(
          async () => (await status()).documents === 10 && (await status()).pending === 0,
          {
            timeoutMs: 60_000,
            message: () => `Typesense holds the 10 films: ${JSON.stringify(ts.aliases())}`,
          },
        );
        const s = await status();
        assertEquals(s.configured, "typesense");
        assertEquals(s.engine, "typesense");
        assertEquals(s.healthy, true);
        assert(ts.aliases().films?.startsWith("films_"));
        const r = await search("godfater");
        assertEquals(r.status, 200);
        assertEquals(r.body.engine, "typesense");
        assertEquals(r.body.items[0].id, films.godfather);
        assert(!r.body.items.some((i: { id: string }) => i.id === films.godfatherKids));
      });

      await t.step("a change reaches Typesense through the outbox", async () => {
        await app.db.sql`update movies set title = 'Zardoz Returns', sort_title = 'zardoz returns'
        where id = ${films.nofile}`;
        const [job] = await app.db
          .sql`select state from jobs where kind = 'search.sync' order by id desc limit 1`;
        assert(job, "the change enqueued a sync job in its transaction");
        await waitFor(async () => (await search("zardoz")).body.items[0]?.id === films.nofile, {
          timeoutMs: 30_000,
          message: "the new title found on Typesense",
        });
        await app.db.sql`delete from movies where id = ${films.interstellar}`;
        await waitFor(
          async () =>
            (await search("interstellar")).body.items.length === 0 &&
            (await status()).pending === 0,
          {
            timeoutMs: 30_000,
            message: "the deleted film gone from Typesense",
          },
        );
        assertEquals((await search("interstellar")).body.engine, "typesense");
      });

      await t.step("a reindex builds a new collection and swaps the alias", async () => {
        const before = ts.aliases().films;
        const r = await call(app, "POST", `${S}/reindex`, { token: admin.token });
        assertEquals(r.status, 202);
        await waitFor(() => ts.aliases().films !== before, {
          timeoutMs: 60_000,
          message: "the alias swapped",
        });
        await waitFor(() => !ts.collections().includes(before), {
          timeoutMs: 10_000,
          message: "the old collection dropped",
        });
        assertEquals((await search("zardoz")).body.items[0].id, films.nofile);
        assertEquals((await status()).documents, 9);
      });

      await t.step("Typesense down mid-session: answers keep coming from PostgreSQL", async () => {
        const expected = (await search("godfather")).body.items.map((i: { id: string }) => i.id);
        ts.down(true);
        for (const q of ["god", "godf", "godfather"]) {
          const r = await search(q);
          assertEquals(r.status, 200, JSON.stringify(r.body));
          assertEquals(r.body.engine, "postgres");
          assertEquals(r.body.items[0].id, films.godfather);
        }
        const r = await search("godfather");
        assertEquals(
          r.body.items.map((i: { id: string }) => i.id).slice(0, 2),
          expected.slice(0, 2),
        );
        const a = await call(app, "GET", `${S}/movies/autocomplete?q=godf`, { token: alice.token });
        assertEquals(a.status, 200);
        assertEquals(a.body.items[0].id, films.godfather);
        const f = await call(app, "GET", `${S}/movies/facets`, { token: alice.token });
        assertEquals(f.status, 200);
        const s = await status();
        assertEquals(s.engine, "postgres");
        assertEquals(s.healthy, false);
        assert(/Typesense/.test(s.detail), s.detail);
        // Changes made meanwhile wait in the outbox.
        await app.db.sql`update movies set title = 'Metropolis Again' where id = ${films.nofile}`;
        assertEquals((await search("metropolis again")).body.items[0].id, films.nofile);
        ts.down(false);
        await waitFor(async () => (await search("metropolis again")).body.engine === "typesense", {
          timeoutMs: 30_000,
          message: "Typesense answering again",
        });
        await waitFor(
          async () => (await search("metropolis again")).body.items[0]?.id === films.nofile,
          {
            timeoutMs: 60_000,
            message: "the change made while Typesense was down reached it",
          },
        );
      });
    } finally {
      await app.close();
      await ts.close();
    }
  },
);
