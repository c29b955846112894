/**
 * Manual collections: who may make and change them (`collections:manage`:
 * administrators and moderators), what a viewer sees of them through their
 * library access, that TMDb collections are not changed this way, the
 * audit trail, and bad input.
 */
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { call, createUser, setupAdmin } from "./auth_helpers.ts";
import { movieRows } from "./movie_rows.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

dbTest("collections:manage makes, fills, renames and deletes manual collections", async (t) => {
  const app = await startTestApp();
  try {
    const rows = movieRows(app.db.sql);
    const lib1 = await rows.library("One");
    const lib2 = await rows.library("Two");
    const heat = await rows.film(lib1, { title: "Heat", year: 1995 });
    const ronin = await rows.film(lib1, { title: "Ronin", year: 1998 });
    const hidden = await rows.film(lib2, { title: "Thief", year: 1981 });
    for (const id of [heat, ronin, hidden]) await rows.file(id);
    const tmdbCollection = await rows.collection("Heat Collection", 12345);
    await app.db.sql`update movies set collection_id = ${tmdbCollection} where id = ${heat}`;

    const admin = await setupAdmin(app);
    const alice = await createUser(app, admin.token, "alice");
    const mod = await createUser(app, admin.token, "mod", ["user", "moderator"]);
    for (const u of [alice, mod]) {
      const r = await call(app, "PUT", `/api/v1/admin/users/${u.id}/libraries`, {
        token: admin.token,
        body: { libraryIds: [lib1] },
      });
      assertEquals(r.status, 200, JSON.stringify(r.body));
    }

    let id = "";
    await t.step("a moderator creates one; a plain user may not", async () => {
      const refused = await call(app, "POST", "/api/v1/collections", {
        token: alice.token,
        body: { name: "Heists" },
      });
      assertEquals(refused.status, 403);
      const r = await call(app, "POST", "/api/v1/collections", {
        token: mod.token,
        body: { name: "  Heists ", overview: "Crews and vaults." },
      });
      assertEquals(r.status, 201, JSON.stringify(r.body));
      assertEquals(r.body.kind, "manual");
      assertEquals(r.body.name, "Heists");
      assertEquals(r.body.movieCount, 0);
      id = r.body.id;
      // An empty manual collection shows nothing of any library: everyone may see it.
      assertEquals((await call(app, "GET", `/api/v1/collections/${id}`, alice)).status, 200);
    });

    await t.step("films are added in order, and listed through the collection", async () => {
      const r = await call(app, "POST", `/api/v1/collections/${id}/movies`, {
        token: mod.token,
        body: { movieIds: [ronin, heat] },
      });
      assertEquals(r.status, 200, JSON.stringify(r.body));
      assertEquals(r.body.movieCount, 2);
      const films = await call(app, "GET", `/api/v1/collections/${id}/movies`, alice);
      assertEquals(films.body.items.map((f: Json) => f.title), ["Heat", "Ronin"]);
    });

    await t.step("a film of a library the caller may not see is a 404", async () => {
      const r = await call(app, "POST", `/api/v1/collections/${id}/movies`, {
        token: mod.token,
        body: { movieIds: [hidden] },
      });
      assertEquals(r.status, 404);
      assertEquals(r.headers.get("content-type"), "application/problem+json");
      // The administrator sees every library and adds it.
      const added = await call(app, "POST", `/api/v1/collections/${id}/movies`, {
        token: admin.token,
        body: { movieIds: [hidden] },
      });
      assertEquals(added.body.movieCount, 3);
      // Alice sees only her library's films of it.
      const mine = await call(app, "GET", `/api/v1/collections/${id}`, alice);
      assertEquals(mine.body.movieCount, 2);
      // Setting the films as the moderator keeps the one they cannot see.
      const set = await call(app, "PUT", `/api/v1/collections/${id}/movies`, {
        token: mod.token,
        body: { movieIds: [heat] },
      });
      assertEquals(set.status, 200, JSON.stringify(set.body));
      assertEquals(set.body.movieCount, 1);
      const all = await call(app, "GET", `/api/v1/collections/${id}/movies`, admin);
      assertEquals(all.body.items.map((f: Json) => f.title).sort(), ["Heat", "Thief"]);
    });

    await t.step("a collection whose films are all hidden is a 404 to the viewer", async () => {
      const r = await call(app, "DELETE", `/api/v1/collections/${id}/movies/${heat}`, mod);
      assertEquals(r.status, 204);
      assertEquals((await call(app, "GET", `/api/v1/collections/${id}`, alice)).status, 404);
      assertEquals((await call(app, "GET", `/api/v1/collections/${id}`, admin)).status, 200);
      const again = await call(app, "DELETE", `/api/v1/collections/${id}/movies/${heat}`, mod);
      assertEquals(again.status, 404);
    });

    await t.step("it is renamed", async () => {
      const r = await call(app, "PATCH", `/api/v1/collections/${id}`, {
        token: admin.token,
        body: { name: "Night Heists" },
      });
      assertEquals(r.status, 200, JSON.stringify(r.body));
      assertEquals(r.body.name, "Night Heists");
    });

    await t.step("a TMDb collection is not changed this way", async () => {
      for (
        const [method, path, body] of [
          ["PATCH", `/api/v1/collections/${tmdbCollection}`, { name: "Mine" }],
          ["POST", `/api/v1/collections/${tmdbCollection}/movies`, { movieIds: [ronin] }],
          ["DELETE", `/api/v1/collections/${tmdbCollection}`, undefined],
        ] as const
      ) {
        const r = await call(app, method, path, { token: admin.token, body });
        assertEquals(r.status, 409, `${method} ${path}`);
      }
      const c = await call(app, "GET", `/api/v1/collections/${tmdbCollection}`, alice);
      assertEquals(c.body.kind, "tmdb");
      assertEquals(c.body.name, "Heat Collection");
    });

    await t.step("bad input is a 4xx problem", async () => {
      for (
        const [method, path, body, status] of [
          ["POST", "/api/v1/collections", { name: "" }, 400],
          ["POST", "/api/v1/collections", { name: "x".repeat(201) }, 400],
          ["POST", "/api/v1/collections", {}, 400],
          ["PATCH", `/api/v1/collections/${id}`, {}, 400],
          ["POST", `/api/v1/collections/${id}/movies`, { movieIds: ["nope"] }, 400],
          ["POST", `/api/v1/collections/${id}/movies`, { movieIds: [crypto.randomUUID()] }, 404],
          ["PATCH", "/api/v1/collections/not-a-uuid", { name: "x" }, 400],
          ["DELETE", `/api/v1/collections/${crypto.randomUUID()}`, undefined, 404],
        ] as const
      ) {
        const r = await call(app, method, path, { token: admin.token, body });
        assertEquals(r.status, status, `${method} ${path} ${JSON.stringify(body)}`);
        assertEquals(r.headers.get("content-type"), "application/problem+json");
      }
    });

    await t.step("it is deleted, its films stay, and every change was audited", async () => {
      const r = await call(app, "DELETE", `/api/v1/collections/${id}`, mod);
      assertEquals(r.status, 204);
      assertEquals((await call(app, "GET", `/api/v1/collections/${id}`, admin)).status, 404);
      assertEquals((await call(app, "GET", `/api/v1/movies/${heat}`, admin)).status, 200);
      const audit = await call(
        app,
        "GET",
        "/api/v1/admin/audit?action=collection.&limit=50",
        admin,
      );
      const actions = audit.body.items.filter((e: Json) => e.targetId === id)
        .map((e: Json) => e.action).reverse();
      assertEquals(actions[0], "collection.created");
      assert(actions.includes("collection.movies.changed"));
      assert(actions.includes("collection.updated"));
      assertEquals(actions.at(-1), "collection.deleted");
    });
  } finally {
    await app.close();
  }
});
