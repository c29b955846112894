/**
 * The search API over HTTP against a real PostgreSQL: the contract's shapes,
 * a user granted one library of two (no result, facet count or suggestion
 * from the other), hostile queries (never a 500), and the admin routes
 * (reindex as an audited job, status).
 */
import { assert, assertEquals } from "./assert.ts";
import { call, createUser, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { contractFilms } from "./search_contract.ts";
import { waitFor } from "./wait_for.ts";

const S = "/api/v1/search";

async function seeded() {
  const app = await startTestApp();
  const admin = await setupAdmin(app);
  const seed = await contractFilms(app.db.sql);
  const alice = await createUser(app, admin.token, "alice");
  const r = await call(app, "PUT", `/api/v1/admin/users/${alice.id}/libraries`, {
    token: admin.token,
    body: { libraryIds: [seed.libA] },
  });
  assertEquals(r.status, 200, JSON.stringify(r.body));
  return { app, admin, alice, ...seed };
}

dbTest("GET /api/v1/search/movies answers films, highlights and facets", async (t) => {
  const { app, alice, films } = await seeded();
  try {
    await t.step("the contract's shape", async () => {
      const r = await call(app, "GET", `${S}/movies?q=godfater`, { token: alice.token });
      assertEquals(r.status, 200, JSON.stringify(r.body));
      assertEquals(r.body.items[0].id, films.godfather);
      assertEquals(r.body.items[0].title, "The Godfather");
      assertEquals(r.body.items[0].year, 1972);
      assert(typeof r.body.total === "number");
      assert(Array.isArray(r.body.facets.genres));
      assertEquals(r.body.engine, "postgres");
    });
    await t.step("matched words are highlighted, the rest escaped", async () => {
      await app.db.sql`update movies set overview = 'A <b>bold</b> dream within a dream'
        where id = ${films.inception}`;
      const r = await call(app, "GET", `${S}/movies?q=dream`, { token: alice.token });
      const hit = r.body.items.find((i: { id: string }) => i.id === films.inception);
      const overview = hit.highlights.find((h: { field: string }) => h.field === "overview");
      assertEquals(
        overview.snippet,
        "A &lt;b&gt;bold&lt;/b&gt; <mark>dream</mark> within a <mark>dream</mark>",
      );
      const a = await call(app, "GET", `${S}/movies?q=amelie`, { token: alice.token });
      assertEquals(a.body.items[0].highlights[0], {
        field: "title",
        snippet: "<mark>Amélie</mark>",
      });
    });
    await t.step("filters, sorts and paging from the query string", async () => {
      const r = await call(
        app,
        "GET",
        `${S}/movies?genre=science%20fiction&resolution=2160p&sort=year&order=asc`,
        {
          token: alice.token,
        },
      );
      assertEquals(r.status, 200);
      assertEquals(r.body.items.map((i: { id: string }) => i.id), [
        films.inception,
        films.interstellar,
      ]);
      const w = await call(app, "GET", `${S}/movies?watched=false&hasFile=false`, {
        token: alice.token,
      });
      assertEquals(w.body.items.map((i: { id: string }) => i.id), [films.nofile]);
      const p = await call(app, "GET", `${S}/movies?sort=title&limit=2&offset=2`, {
        token: alice.token,
      });
      assertEquals(p.body.items.length, 2);
      assertEquals(p.body.total, 8);
      assertEquals(p.body.limit, 2);
      assertEquals(p.body.offset, 2);
    });
  } finally {
    await app.close();
  }
});

dbTest("search: a user granted one library of two learns nothing of the other", async () => {
  const { app, admin, alice, films, libB } = await seeded();
  try {
    const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((i) => i.id);
    const secret = [films.toystory, films.godfatherKids];
    for (const q of ["toy story", "godfather", "hidden actor", "secret director", "junior", ""]) {
      const r = await call(app, "GET", `${S}/movies?q=${encodeURIComponent(q)}&limit=100`, {
        token: alice.token,
      });
      assertEquals(r.status, 200);
      assert(!ids(r).some((id) => secret.includes(id)), q);
      assert(!r.body.facets.libraries.some((l: { value: string }) => l.value === libB), q);
      assert(
        !r.body.facets.directors.some((d: { value: string }) => d.value === "Secret Director"),
      );
      const a = await call(
        app,
        "GET",
        `${S}/movies/autocomplete?q=${encodeURIComponent(q || "x")}`,
        {
          token: alice.token,
        },
      );
      assertEquals(a.status, 200);
      assert(
        !a.body.items.some((s: { id: string; name?: string }) =>
          secret.includes(s.id) || s.name === "Hidden Actor" || s.name === "Secret Director"
        ),
        q,
      );
    }
    const lib = await call(app, "GET", `${S}/movies?libraryId=${libB}`, { token: alice.token });
    assertEquals(lib.body.total, 0);
    const f = await call(app, "GET", `${S}/movies/facets`, { token: alice.token });
    assertEquals(f.status, 200);
    assertEquals(f.body.libraries.length, 1);
    assertEquals(f.body.genres.find((g: { value: string }) => g.value === "Comedy").count, 1);
    const all = await call(app, "GET", `${S}/movies/facets`, { token: admin.token });
    assertEquals(all.body.genres.find((g: { value: string }) => g.value === "Comedy").count, 3);
    assertEquals(all.body.libraries.length, 2);
    const sugg = await call(app, "GET", `${S}/movies/autocomplete?q=toy`, { token: admin.token });
    assertEquals(sugg.body.items[0], {
      type: "movie",
      id: films.toystory,
      title: "Toy Story",
      year: 1995,
    });
  } finally {
    await app.close();
  }
});

dbTest("search: hostile queries get a normal answer or a 400, never a 500", async () => {
  const { app, alice } = await seeded();
  try {
    const hostile = [
      "%",
      "_",
      "\\",
      "'",
      '"',
      "''",
      "' or 1=1 --",
      ":*",
      "a:*",
      "&|!()",
      "!",
      "(",
      "a & | b",
      "<->",
      "foo:A",
      "\\%_",
      "%%%",
      "x".repeat(10_000),
      "\u0000",
      "a\u0000b",
      "\ud800",
      "a\udfffb",
      "😀",
      "   ",
      "-",
      "--",
      "🎬 godfather",
      "$1",
      "${q}",
      "\u202e",
      "ﷺ",
      "ǅ",
      "½",
      "ß",
    ];
    // Lone surrogates cannot be percent-encoded as UTF-8; sent as the bytes a client would send.
    const encode = (q: string) =>
      q.isWellFormed()
        ? encodeURIComponent(q)
        : encodeURIComponent(q.toWellFormed()).replaceAll("%EF%BF%BD", "%ED%A0%80");
    for (const q of hostile) {
      for (const path of ["/movies", "/movies/autocomplete"]) {
        const r = await call(app, "GET", `${S}${path}?q=${encode(q)}`, {
          token: alice.token,
        });
        assert(
          r.status === 200 || r.status === 400,
          `${path} ${JSON.stringify(q.slice(0, 20))}: ${r.status}`,
        );
        if (r.status === 400) {
          assertEquals(r.headers.get("content-type"), "application/problem+json");
        } else assert(Array.isArray(r.body.items));
      }
    }
    for (
      const [k, v] of [["genre", "%"], ["director", "\\'"], ["collection", "`"], ["year", "1e9"], [
        "sort",
        "x",
      ]]
    ) {
      const r = await call(app, "GET", `${S}/movies?${k}=${encodeURIComponent(v)}`, {
        token: alice.token,
      });
      assert(r.status === 200 || r.status === 400, `${k}=${v}: ${r.status}`);
    }
  } finally {
    await app.close();
  }
});

dbTest("POST /api/v1/search/reindex is an audited admin job; status reports it", async () => {
  const { app, admin, alice } = await seeded();
  try {
    const refused = await call(app, "POST", `${S}/reindex`, { token: alice.token });
    assertEquals(refused.status, 403);
    const r = await call(app, "POST", `${S}/reindex`, { token: admin.token });
    assertEquals(r.status, 202, JSON.stringify(r.body));
    assert(r.body.jobId);
    await waitFor(async () => {
      const s = await call(app, "GET", "/api/v1/admin/search/status", { token: admin.token });
      return s.body.lastReindex !== null;
    }, {
      timeoutMs: 60_000,
      message: () => "reindex finished",
    }).catch(async (e) => {
      const jobs = await app.db.sql`select kind, state, last_error, errors from jobs`;
      throw new Error(`${e.message}: ${JSON.stringify(jobs)}`);
    });
    const s = await call(app, "GET", "/api/v1/admin/search/status", { token: admin.token });
    assertEquals(s.status, 200);
    assertEquals(s.body.engine, "postgres");
    assertEquals(s.body.configured, "postgres");
    assertEquals(s.body.documents, 10);
    assertEquals(s.body.healthy, true);
    assertEquals(s.body.lastReindex.documents, 10);
    const audit = await call(app, "GET", "/api/v1/admin/audit?limit=5", { token: admin.token });
    assert(
      audit.body.items.some((e: { action: string }) => e.action === "search.reindex.requested"),
    );
    const st = await call(app, "GET", "/api/v1/admin/search/status", { token: alice.token });
    assertEquals(st.status, 403);
  } finally {
    await app.close();
  }
});
