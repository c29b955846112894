/**
 * The fake TMDb itself: its answers have TMDb's shapes, its search matches
 * like TMDb's, it authenticates, serves images and injects the faults the
 * client tests rely on.
 */
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { type FakeTmdb, startFakeTmdb } from "./fakes/tmdb.ts";

// deno-lint-ignore no-explicit-any -- TMDb answers of several shapes, read field by field
async function get(tmdb: FakeTmdb, path: string, auth = true): Promise<[number, any]> {
  const res = await fetch(tmdb.url + path, {
    headers: auth ? { authorization: `Bearer ${tmdb.token}` } : {},
  });
  return [res.status, await res.json()];
}

Deno.test("startFakeTmdb answers search, details, collection and find like TMDb", async () => {
  const tmdb = await startFakeTmdb();
  try {
    const [, matrix] = await get(tmdb, "/search/movie?query=the%20MATRIX");
    assertEquals(matrix.results.map((r: { id: number }) => r.id), [603, 604, 605]);
    assertEquals(matrix.total_results, 3);
    const [, dune] = await get(tmdb, "/search/movie?query=dune&year=1984");
    assertEquals(dune.results.map((r: { id: number }) => r.id), [841]);
    const [, amelie] = await get(tmdb, "/search/movie?query=Amelie%20Poulain");
    assertEquals(amelie.results[0].original_title, "Le Fabuleux Destin d'Amélie Poulain");
    const [, sen] = await get(tmdb, "/search/movie?query=sen%20to%20chihiro");
    assertEquals(sen.results.map((r: { id: number }) => r.id), [129]);
    const [bad] = await get(tmdb, "/search/movie?query=x&page=0");
    assertEquals(bad, 400);

    const [, m] = await get(
      tmdb,
      "/movie/603?append_to_response=credits,images,release_dates,videos,similar&language=en-US&include_image_language=en,null",
    );
    assertEquals(m.belongs_to_collection.id, 2344);
    assertEquals(m.credits.cast[0].name, "Keanu Reeves");
    assertEquals(m.release_dates.results[0].release_dates[0].certification, "R");
    assertEquals(m.videos.results[0].site, "YouTube");
    assertEquals(m.similar.results.map((r: { id: number }) => r.id), [604, 605, 78, 27205]);
    assert(m.images.posters.every((i: { iso_639_1: string | null }) => i.iso_639_1 !== "fr"));
    const [, plain] = await get(tmdb, "/movie/194?language=fr-FR&append_to_response=images");
    assertEquals(plain.credits, undefined);
    assertEquals(plain.images.posters.map((i: { file_path: string }) => i.file_path), [
      "/p194-fr.jpg",
    ]);

    const [, col] = await get(tmdb, "/collection/2344");
    assertEquals(col.parts.map((p: { id: number }) => p.id), [603, 604, 605]);
    const [, found] = await get(tmdb, "/find/tt0133093?external_source=imdb_id");
    assertEquals(found.movie_results[0].id, 603);
    const [status, body] = await get(tmdb, "/movie/1");
    assertEquals([status, body.status_code], [404, 34]);
  } finally {
    await tmdb.close();
  }
});

Deno.test("startFakeTmdb authenticates and serves images", async () => {
  const tmdb = await startFakeTmdb({ token: "t0k", apiKey: "k3y" });
  try {
    const [status, body] = await get(tmdb, "/configuration", false);
    assertEquals([status, body.status_code, body.success], [401, 7, false]);
    const byKey = await fetch(`${tmdb.url}/configuration?api_key=k3y`);
    const config = await byKey.json();
    assertEquals(config.images.secure_base_url, tmdb.imageUrl + "/");
    assertEquals(tmdb.requests.map((r) => r.auth), ["none", "api_key"]);

    const img = await fetch(`${tmdb.imageUrl}/w500/p603.jpg`);
    const bytes = new Uint8Array(await img.arrayBuffer());
    assertEquals([img.status, img.headers.get("content-type")], [200, "image/jpeg"]);
    assertEquals([bytes[0], bytes[1]], [0xff, 0xd8]);
    const logo = await fetch(`${tmdb.imageUrl}/original/l603.png`);
    assertEquals((await logo.bytes()).subarray(1, 4), new TextEncoder().encode("PNG"));
    const missing = await fetch(`${tmdb.imageUrl}/w500/nothing.jpg`);
    await missing.body?.cancel();
    assertEquals(missing.status, 404);
  } finally {
    await tmdb.close();
  }
});

Deno.test("startFakeTmdb injects 429, 5xx, slow answers and dropped connections", async () => {
  const tmdb = await startFakeTmdb();
  try {
    tmdb.inject({ kind: "429", retryAfter: 3, path: "/configuration" });
    const limited = await fetch(`${tmdb.url}/configuration`);
    await limited.body?.cancel();
    assertEquals([limited.status, limited.headers.get("retry-after")], [429, "3"]);
    tmdb.inject({ kind: "5xx", status: 502, times: 2 });
    assertEquals((await get(tmdb, "/configuration"))[0], 502);
    assertEquals((await get(tmdb, "/configuration"))[0], 502);
    assertEquals((await get(tmdb, "/configuration"))[0], 200);
    tmdb.inject({ kind: "slow", delayMs: 50 });
    assertEquals((await get(tmdb, "/configuration"))[0], 200);
    assertEquals(tmdb.requests.at(-1)?.fault, "slow");
    tmdb.inject({ kind: "drop", times: 2 });
    await assertRejects(() => fetch(`${tmdb.url}/configuration`));
    assert(tmdb.requests.some((r) => r.status === "dropped"));
    assertEquals((await get(tmdb, "/configuration"))[0], 200);
  } finally {
    await tmdb.close();
  }
});
