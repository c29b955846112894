/**
 * The PostgreSQL engine's ranking and candidate stages (lib/db/search_pg_repo.ts)
 * beyond the shared contract: the tier order the issue requires (exact title,
 * then prefix, then full-text rank, then fuzzy; popularity breaking ties),
 * misspelt words corrected through the vocabulary (kept by the same triggers
 * as the documents), the trigram last resort, and totals and pages past the
 * candidate arms' limit.
 */
import { assert, assertEquals } from "./assert.ts";
import { dbTest } from "./harness.ts";
import { createTestDatabase } from "./db.ts";
import { movieRows } from "./movie_rows.ts";
import { createPgSearchEngine } from "../lib/search/pg_engine.ts";
import type { EngineQuery } from "../lib/search/engine.ts";

dbTest(
  "PostgreSQL search ranks exact, prefix, full text, fuzzy; popularity breaks ties",
  async (t) => {
    const db = await createTestDatabase();
    try {
      const rows = movieRows(db.sql);
      const lib = await rows.library("Films");
      const film = async (title: string, popularity: number, overview?: string) => {
        const id = await rows.film(lib, { title, overview });
        await db.sql`update movies set popularity = ${popularity} where id = ${id}`;
        return id;
      };
      const exact = await film("Alien", 1);
      const prefixLow = await film("Alien Day", 5);
      const prefixHigh = await film("Alien Sky", 50);
      const longer = await film("Alien Resurrection", 500);
      const text = await film("Xenomorph", 900, "A crew meets an alien on a distant moon.");
      const engine = createPgSearchEngine({ sql: db.sql });
      const base: EngineQuery = {
        userId: crypto.randomUUID(),
        access: "all",
        filters: {},
        sort: "relevance",
        limit: 20,
        offset: 0,
        facets: false,
      };
      const ask = (text: string, more: Partial<EngineQuery> = {}) =>
        engine.search({ ...base, text, ...more });

      await t.step(
        "exact title, then prefixes (closest first, then by popularity), then full text",
        async () => {
          const r = await ask("alien");
          assertEquals(r.ids, [exact, prefixHigh, prefixLow, longer, text]);
          assertEquals(r.total, 5);
        },
      );

      await t.step(
        "a misspelt word is corrected through the vocabulary",
        async () => {
          const fuzzyOnly = await film("Alein Nation", 1000);
          // "alein" is in the vocabulary (the film above added it in its insert),
          // so nothing is corrected and the film is found as typed.
          assertEquals((await ask("alein nation")).ids[0], fuzzyOnly);
          // "naton" is not: corrected to "nation"; the match ranks as fuzzy.
          assertEquals((await ask("alein naton")).ids, [fuzzyOnly]);
        },
      );

      await t.step(
        "the vocabulary follows new films and renames in their transaction",
        async () => {
          const id = await film("Quixotic Zephyrs", 3);
          assertEquals((await ask("quixotc zephirs")).ids, [id], "two words corrected");
          assertEquals((await ask("zephris")).ids, [id], "the word being typed, misspelt");
          await db.sql`update movies set title = 'Marmalade Lighthouse' where id = ${id}`;
          assertEquals((await ask("marmelade lighthous")).ids, [id]);
        },
      );

      await t.step("a person's misspelt name finds their films", async () => {
        const id = await film("Tenet", 10);
        await rows.credit(id, {
          name: "Christopher Nolan",
          kind: "crew",
          position: 0,
          job: "Director",
          department: "Directing",
        });
        assertEquals((await ask("christofer nolan")).ids, [id]);
      });

      await t.step("words too short to correct fall to the trigram last resort", async () => {
        const id = await film("La La Land", 10);
        // "lal" is three letters (not corrected) and no word or prefix matches:
        // only the whole-title trigram match finds the film.
        assertEquals((await ask("lal land")).ids[0], id);
        assertEquals((await ask("zzqx wvvk")).ids, []);
        // Its total, facet counts and other sorts are over the same films.
        const faceted = await ask("lal land", { facets: true });
        assertEquals(faceted.total, faceted.ids.length);
        assertEquals(faceted.facets!.libraries, [{ value: lib, count: faceted.total }]);
        assertEquals((await ask("lal land", { sort: "year" })).ids.includes(id), true);
      });
    } finally {
      await db.drop();
    }
  },
);

dbTest("PostgreSQL search counts and pages past the candidate limit", async () => {
  const db = await createTestDatabase();
  try {
    const [{ id: lib }] = await db.sql<{ id: string }[]>`
      insert into libraries (name) values ('Films') returning id`;
    // 150 films whose titles start with "Night": more than one candidate arm brings.
    await db.sql`
      insert into movies (library_id, identity_key, title, sort_title, popularity, match_state)
      select ${lib}, 'night:' || i, 'Night ' || i, 'night ' || lpad(i::text, 3, '0'), i, 'matched'
      from generate_series(1, 150) i`;
    const engine = createPgSearchEngine({ sql: db.sql });
    const q: EngineQuery = {
      text: "night",
      userId: crypto.randomUUID(),
      access: "all",
      filters: {},
      sort: "relevance",
      limit: 50,
      offset: 0,
      facets: false,
    };
    const pages = [];
    for (const offset of [0, 50, 100, 150]) pages.push(await engine.search({ ...q, offset }));
    for (const p of pages) assertEquals(p.total, 150);
    const ids = pages.flatMap((p) => p.ids);
    assertEquals(ids.length, 150);
    assertEquals(new Set(ids).size, 150, "no film twice across pages");
    assertEquals(pages[3].ids, []);
    const [{ id: shortest }] = await db.sql<{ id: string }[]>`
      select id from movies where title = 'Night 9'`;
    // Shortest titles first ("Night 1" … "Night 9"), the most popular of them first.
    assertEquals(pages[0].ids[0], shortest);
    const faceted = await engine.search({ ...q, limit: 5, facets: true });
    assertEquals(faceted.facets!.libraries, [{ value: lib, count: 150 }]);
    assert(faceted.total === 150);
  } finally {
    await db.drop();
  }
});
