/**
 * Artwork end to end: a real Revenge, real PostgreSQL, real sharp, and the
 * fake TMDb's real JPEGs and PNGs. Images are made known as the metadata
 * jobs do (ensure in a transaction, which enqueues `metadata.image`), the
 * app's job runner downloads them, and the image route serves them resized,
 * as WebP or JPEG, with strong ETags and immutable caching, only to callers
 * who may see the film; path traversal reads nothing; local artwork is read
 * from the library folder, and read again when it changes.
 */
import sharp from "sharp";
import { assert, assertEquals, assertMatch, assertNotEquals } from "./assert.ts";
import { call, createUser, operations } from "./auth_helpers.ts";
import { startFakeTmdb } from "./fakes/tmdb.ts";
import { dbTest } from "./harness.ts";
import {
  getImage,
  giveImage,
  type ImageApp,
  settled,
  sha256,
  startImageApp,
} from "./image_helpers.ts";
import { movieRows } from "./movie_rows.ts";
import { assertNoTraversal } from "./traversal.ts";
import { waitFor } from "./wait_for.ts";
import { createImageRepo } from "../lib/db/image_repo.ts";
import { findLocalArtwork } from "../lib/metadata/local_artwork.ts";

const I = "/api/v1/images";
const WEBP = "image/avif,image/webp,image/apng,*/*;q=0.8";
const NO_WEBP = "image/png,image/*;q=0.8";

async function filmWithPoster(ia: ImageApp, libraryId?: string) {
  const rows = movieRows(ia.app.db.sql);
  const lib = libraryId ?? await rows.library(`Films ${crypto.randomUUID().slice(0, 6)}`);
  const film = await rows.film(lib, { title: "The Matrix", year: 1999, tmdbId: 603 });
  const imageId = await giveImage(ia, "movie", film, "poster", "/p603.jpg");
  return { lib, film, imageId, image: await settled(ia.repo, imageId) };
}

dbTest(
  "images: a TMDb poster is fetched once, with its blurhash, and served resized as WebP or JPEG",
  async (t) => {
    const tmdb = await startFakeTmdb();
    // No image URL setting: the base is the one TMDb's /configuration names.
    const ia = await startImageApp(tmdb.imageUrl, tmdb);
    const { app, admin } = ia;
    try {
      const { film, imageId, image } = await filmWithPoster(ia);

      await t.step("the download is ready with its size, type, digest and blurhash", () => {
        assertEquals(
          [image.state, image.source, image.width, image.height, image.contentType],
          ["ready", "tmdb", 500, 750, "image/jpeg"],
        );
        assertMatch(image.sha256!, /^[0-9a-f]{64}$/);
        assertEquals(image.blurhash!.length, 28, "a 4x3-component blurhash");
      });

      await t.step("each image is fetched once, at its original size", async () => {
        const again = await Promise.all(
          [1, 2, 3].map(() => app.db.sql.begin((tx) => ia.images.ensureTmdb(tx, "/p603.jpg"))),
        );
        assertEquals(again, [imageId, imageId, imageId]);
        const [{ n }] = await app.db.sql<{ n: number }[]>`
        select count(*)::int as n from jobs where kind = 'metadata.image'`;
        assertEquals(n, 1, "no job for a ready image");
        const fetched = tmdb.requests.filter((r) => r.path.startsWith("/t/p/"));
        assertEquals(fetched.map((r) => r.path), ["/t/p/original/p603.jpg"]);
        assertEquals(fetched[0].auth, "none", "no credentials go to the image host");

        // A new image ensured by several transactions at once: one row, one job, one download.
        const racing = await Promise.all(
          [1, 2, 3, 4, 5].map(() =>
            app.db.sql.begin((tx) => ia.images.ensureTmdb(tx, "/b603.jpg"))
          ),
        );
        assertEquals(new Set(racing).size, 1);
        await ia.repo.assign("movie", film, "backdrop", racing[0]);
        assertEquals((await settled(ia.repo, racing[0])).state, "ready");
        // A transaction that saw the row pending just before its job finished may enqueue a
        // second job (the unique key only spans unfinished jobs); that one finds it ready.
        await waitFor(async () => {
          const [{ open }] = await app.db.sql<{ open: number }[]>`
            select count(*)::int as open from jobs
            where kind = 'metadata.image' and payload->>'imageId' = ${racing[0]}
              and state <> 'succeeded'`;
          return open === 0;
        }, { message: "the backdrop's jobs to succeed" });
        assertEquals(tmdb.requests.filter((r) => r.path.endsWith("/b603.jpg")).length, 1);
      });

      await t.step("imageRepo.infoOf gives the movie API blurhashes and versions", async () => {
        const info = await ia.repo.infoOf("movie", [film, crypto.randomUUID()]);
        assertEquals([...info.keys()], [film]);
        const kinds = info.get(film)!.map((i) => [i.kind, i.imageId, i.version]).sort();
        const backdrop = (await ia.repo.ofMovie("all", film, "backdrop"))!;
        assertEquals(kinds, [
          ["backdrop", backdrop.id, backdrop.sha256!.slice(0, 12)],
          ["poster", imageId, image.sha256!.slice(0, 12)],
        ]);
        assertEquals(info.get(film)![0].blurhash?.length, 28);
      });

      const url = `${I}/poster/${film}/w342`;
      let webpTag = "";
      await t.step(
        "WebP when accepted, JPEG otherwise, each with its own strong ETag",
        async () => {
          const webp = await getImage(app, url, { token: admin.token, accept: WEBP });
          assertEquals(webp.status, 200);
          assertEquals(webp.headers.get("content-type"), "image/webp");
          assertEquals(webp.headers.get("cache-control"), "private, max-age=31536000, immutable");
          assertMatch(webp.headers.get("vary") ?? "", /accept/i);
          webpTag = webp.headers.get("etag")!;
          assertEquals(webpTag, `"${image.sha256!.slice(0, 32)}-w342-webp"`);
          const wm = await sharp(webp.bytes).metadata();
          assertEquals([wm.format, wm.width, wm.height], ["webp", 342, 513]);

          const jpeg = await getImage(app, url, { token: admin.token, accept: NO_WEBP });
          assertEquals(jpeg.headers.get("content-type"), "image/jpeg");
          const jm = await sharp(jpeg.bytes).metadata();
          assertEquals([jm.format, jm.width], ["jpeg", 342]);
          assertNotEquals(jpeg.headers.get("etag"), webpTag);
          const none = await getImage(app, url, { token: admin.token });
          assertEquals(none.headers.get("content-type"), "image/jpeg", "no Accept: JPEG");
          const refused = await getImage(app, url, {
            token: admin.token,
            accept: "image/webp;q=0",
          });
          assertEquals(refused.headers.get("content-type"), "image/jpeg", "q=0 refuses WebP");
        },
      );

      await t.step(
        "If-None-Match answers 304 without a body; HEAD sends the head only",
        async () => {
          const cached = await getImage(app, url, {
            token: admin.token,
            accept: WEBP,
            headers: { "if-none-match": webpTag },
          });
          assertEquals([cached.status, cached.bytes.length], [304, 0]);
          assertEquals(cached.headers.get("etag"), webpTag);
          const other = await getImage(app, url, {
            token: admin.token,
            accept: WEBP,
            headers: { "if-none-match": '"something-else"' },
          });
          assertEquals(other.status, 200);
          const head = await getImage(app, url, {
            token: admin.token,
            accept: WEBP,
            method: "HEAD",
          });
          assertEquals([head.status, head.bytes.length], [200, 0]);
          assertEquals(head.headers.get("content-length"), String(other.bytes.length));
        },
      );

      await t.step("each size is resized once and kept", async () => {
        const dir = `${app.dataDir}/cache/images/${imageId}/${image.sha256!.slice(0, 16)}`;
        const before = await Deno.stat(`${dir}/w342.webp`);
        await getImage(app, url, { token: admin.token, accept: WEBP });
        const after = await Deno.stat(`${dir}/w342.webp`);
        assertEquals([after.ino, after.mtime?.getTime()], [before.ino, before.mtime?.getTime()]);
        const burst = await Promise.all(
          Array.from(
            { length: 6 },
            () => getImage(app, `${I}/poster/${film}/w185`, { token: admin.token, accept: WEBP }),
          ),
        );
        assertEquals(new Set(burst.map((r) => r.status)), new Set([200]));
        assertEquals(new Set(await Promise.all(burst.map((r) => sha256(r.bytes)))).size, 1);
        const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
        assertEquals(names, ["original.jpg", "w185.webp", "w342.jpg", "w342.webp"]);
      });

      await t.step("original is the downloaded file itself", async () => {
        const res = await getImage(app, `${I}/poster/${film}/original`, {
          token: admin.token,
          accept: WEBP,
        });
        assertEquals(res.headers.get("content-type"), "image/jpeg");
        assertEquals(await sha256(res.bytes), image.sha256);
      });

      await t.step("collections' posters and people's profiles are served too", async () => {
        const rows = movieRows(app.db.sql);
        const collection = await rows.collection("The Matrix Collection", 2344);
        const person = await rows.credit(film, { name: "Keanu Reeves", kind: "cast", position: 0 });
        const c = await giveImage(ia, "collection", collection, "poster", "/c2344.jpg");
        const p = await giveImage(ia, "person", person, "profile", "/pr6384.jpg");
        const l = await giveImage(ia, "movie", film, "logo", "/l603.png");
        await Promise.all([c, p, l].map((id) => settled(ia.repo, id)));
        const cr = await getImage(app, `${I}/poster/${collection}/w92`, { token: admin.token });
        assertEquals([cr.status, cr.headers.get("content-type")], [200, "image/jpeg"]);
        const pr = await getImage(app, `${I}/profile/${person}/h632`, { token: admin.token });
        const pm = await sharp(pr.bytes).metadata();
        assertEquals([pr.status, pm.width, pm.height], [200, 185, 278], "never enlarged");
        const lr = await getImage(app, `${I}/logo/${film}/w185`, { token: admin.token });
        const lm = await sharp(lr.bytes).metadata();
        assertEquals([lr.headers.get("content-type"), lm.hasAlpha], ["image/png", true]);
      });
    } finally {
      await app.close();
      await tmdb.close();
    }
  },
);

dbTest(
  "GET /api/v1/images refuses bad kinds, sizes and ids, and says when an image is not there yet",
  async () => {
    const tmdb = await startFakeTmdb();
    const ia = await startImageApp(tmdb.imageUrl);
    const { app, admin } = ia;
    try {
      const { film } = await filmWithPoster(ia);
      for (
        const path of [
          `${I}/banner/${film}/w342`,
          `${I}/poster/${film}/w9999`,
          `${I}/poster/${film}/w45`,
          `${I}/profile/${film}/w342`,
          `${I}/poster/not-a-uuid/w342`,
          `${I}/poster/${film}/W342`,
        ]
      ) {
        const r = await getImage(app, path, { token: admin.token });
        assertEquals(r.status, 400, path);
        assertEquals(r.headers.get("content-type"), "application/problem+json", path);
      }
      const unknown = await getImage(app, `${I}/poster/${crypto.randomUUID()}/w342`, {
        token: admin.token,
      });
      assertEquals([unknown.status, unknown.json.detail], [404, "No such image."]);
      const noBackdrop = await getImage(app, `${I}/backdrop/${film}/w300`, { token: admin.token });
      assertEquals([noBackdrop.status, noBackdrop.json.detail], [404, "No such image."]);

      // A download that has not run yet (its row is there, its job not done).
      const rows = movieRows(app.db.sql);
      const other = await rows.film(await rows.library("Other"), { title: "Reloaded" });
      const pending = await ia.repo.ensure("tmdb", "/p604.jpg");
      await ia.repo.assign("movie", other, "backdrop", pending.id);
      const wait = await getImage(app, `${I}/backdrop/${other}/w780`, { token: admin.token });
      assertEquals([wait.status, wait.json.detail], [404, "The image is not downloaded yet."]);
      assertEquals(wait.headers.get("cache-control"), "no-store");

      const anonymous = await getImage(app, `${I}/poster/${film}/w342`);
      assertEquals(anonymous.status, 401);

      const op = (await operations(app)).find((o) => o.template === `${I}/{kind}/{id}/{size}`);
      assert(op, "the route is in the OpenAPI document");
      assertEquals(op.op["x-permission"], "movies:read");
      assertEquals(
        op.op.parameters.map((p: { name: string }) => p.name).sort(),
        ["id", "kind", "size", "v"],
      );
    } finally {
      await app.close();
      await tmdb.close();
    }
  },
);

dbTest("GET /api/v1/images hides a film's artwork from users not granted its library", async () => {
  const tmdb = await startFakeTmdb();
  const ia = await startImageApp(tmdb.imageUrl);
  const { app, admin } = ia;
  try {
    const rows = movieRows(app.db.sql);
    const open = await rows.library("Films");
    const hidden = await rows.library("Private");
    const { film } = await filmWithPoster(ia, hidden);
    const visible = await filmWithPoster(ia, open);
    const alice = await createUser(app, admin.token, "alice");
    const granted = await call(app, "PUT", `/api/v1/admin/users/${alice.id}/libraries`, {
      token: admin.token,
      body: { libraryIds: [open] },
    });
    assertEquals(granted.status, 200);

    const strip = (b: Record<string, unknown>) => ({ ...b, instance: null, requestId: null });
    const theirs = await getImage(app, `${I}/poster/${film}/w342`, { token: alice.token });
    const unknown = await getImage(app, `${I}/poster/${crypto.randomUUID()}/w342`, {
      token: alice.token,
    });
    assertEquals(theirs.status, 404);
    assertEquals(strip(theirs.json), strip(unknown.json), "same answer as an unknown id");
    assertEquals(
      (await getImage(app, `${I}/poster/${film}/original`, { token: alice.token })).status,
      404,
    );
    const ok = await getImage(app, `${I}/poster/${visible.film}/w342`, { token: alice.token });
    assertEquals(ok.status, 200);
    assertEquals(
      (await getImage(app, `${I}/poster/${film}/w342`, { token: admin.token })).status,
      200,
    );

    // Collections and people are not per library: anyone with movies:read sees them.
    const person = await rows.credit(film, { name: "Keanu Reeves", kind: "cast", position: 0 });
    await settled(ia.repo, await giveImage(ia, "person", person, "profile", "/pr6384.jpg"));
    const profile = await getImage(app, `${I}/profile/${person}/w45`, { token: alice.token });
    assertEquals(profile.status, 200);
  } finally {
    await app.close();
    await tmdb.close();
  }
});

dbTest("GET /api/v1/images answers traversal attempts with 4xx and reads nothing", async () => {
  const tmdb = await startFakeTmdb();
  const ia = await startImageApp(tmdb.imageUrl);
  const { app, admin } = ia;
  try {
    const { film, imageId } = await filmWithPoster(ia);
    const secret = `revenge-image-secret-${crypto.randomUUID()}`;
    const secretFile = `${app.dataDir}/cache/secret.txt`;
    await Deno.writeTextFile(secretFile, secret);
    const options = {
      headers: { authorization: `Bearer ${admin.token}` },
      targets: [secretFile],
      secrets: [secret],
      maxDepth: 4,
    };
    let sent = 0;
    for (const prefix of [`${I}/`, `${I}/poster/${film}/`, `${I}/poster/`]) {
      sent += await assertNoTraversal(app.url, prefix, options);
    }
    assert(sent > 1000, `${sent} requests`);
    // The cache's own files are not reachable by name either.
    const byName = await getImage(app, `${I}/poster/${imageId}/original.jpg`, {
      token: admin.token,
    });
    assertEquals(byName.status, 400);
  } finally {
    await app.close();
    await tmdb.close();
  }
});

dbTest("images: local artwork is preferred, served, and read again when it changes", async () => {
  const tmdb = await startFakeTmdb();
  const ia = await startImageApp(tmdb.imageUrl);
  const { app, admin } = ia;
  const folder = await Deno.makeTempDir({ prefix: "revenge-local-art-" });
  try {
    await Deno.writeFile(`${folder}/The Matrix (1999).mkv`, new Uint8Array(16));
    const red = await sharp({
      create: { width: 400, height: 600, channels: 3, background: { r: 200, g: 10, b: 10 } },
    }).jpeg().toBuffer();
    await Deno.writeFile(`${folder}/poster.jpg`, red);
    const art = await findLocalArtwork(folder, "The Matrix (1999)");
    assertEquals(art, { poster: `${folder}/poster.jpg` });

    const rows = movieRows(app.db.sql);
    const film = await rows.film(await rows.library("Films"), { title: "The Matrix" });
    const pick = () =>
      app.db.sql.begin(async (tx) => {
        const id = await ia.images.ensureArtwork(tx, { local: art.poster, tmdbPath: "/p603.jpg" });
        await createImageRepo(tx).assign("movie", film, "poster", id);
        return id!;
      });
    const id = await pick();
    const first = await settled(ia.repo, id);
    assertEquals([first.source, first.state, first.width, first.height], [
      "local",
      "ready",
      400,
      600,
    ]);
    const served = await getImage(app, `${I}/poster/${film}/original`, { token: admin.token });
    assertEquals(await sha256(served.bytes), await sha256(red));
    assertEquals(tmdb.requests.filter((r) => r.path.startsWith("/t/p/")).length, 0, "not fetched");
    const w92 = await getImage(app, `${I}/poster/${film}/w92`, { token: admin.token });

    // The poster is replaced: the next ensure reads it again, and the URL serves the new one.
    const blue = await sharp({
      create: { width: 300, height: 450, channels: 3, background: { r: 10, g: 10, b: 200 } },
    }).png().toBuffer();
    await Deno.writeFile(`${folder}/poster.jpg`, blue);
    assertEquals(await pick(), id, "the same image row");
    const second = await waitFor(async () => {
      const r = await ia.repo.get(id);
      return r?.state === "ready" && r.sha256 !== first.sha256 ? r : null;
    }, { message: "the changed poster to be read again" });
    assertEquals([second.width, second.height, second.contentType], [300, 450, "image/png"]);
    const w92b = await getImage(app, `${I}/poster/${film}/w92`, { token: admin.token });
    assertNotEquals(w92b.headers.get("etag"), w92.headers.get("etag"));
    assertNotEquals(await sha256(w92b.bytes), await sha256(w92.bytes));
    const versions = [...Deno.readDirSync(`${app.dataDir}/cache/images/${id}`)];
    assertEquals(versions.length, 1, "the old version is removed");
  } finally {
    await app.close();
    await tmdb.close();
    await Deno.remove(folder, { recursive: true });
  }
});
