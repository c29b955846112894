/**
 * What the artwork downloader refuses, end to end through the app's job
 * runner: any image path or URL that points anywhere but the configured
 * TMDb image host is never fetched (a raw listener on 127.0.0.1 counts the
 * connections it gets: none), redirects are not followed, and a download
 * that is not an image, is cut short or is gone ends `failed` with a
 * reason instead of being retried forever; a 503 is retried.
 */
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { imageBytes } from "./fakes/tmdb_images.ts";
import { dbTest } from "./harness.ts";
import { settled, startImageApp } from "./image_helpers.ts";
import { createJobQueue } from "../lib/jobs/job_queue.ts";
import { METADATA_KINDS } from "../lib/metadata/kinds.ts";
import { ValidationError } from "../lib/model/errors.ts";
import { createImageService } from "../lib/metadata/image_service.ts";
import { createLogger } from "../lib/observability/logger.ts";

/** A TCP listener that only counts who connects (and hangs up on them). */
function trap() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen = { connections: 0 };
  (async () => {
    for await (const conn of listener) {
      seen.connections++;
      conn.close();
    }
  })().catch(() => {});
  const port = (listener.addr as Deno.NetAddr).port;
  return { port, seen, close: () => listener.close() };
}

/**
 * A TMDb image host that misbehaves by path: redirects (to the trap, and to
 * itself), text, a cut-off JPEG, a 404, a 503 once, and one good image.
 */
async function hostileImageHost(trapPort: number) {
  const good = (await imageBytes("/p1.jpg")).bytes;
  const paths: string[] = [];
  let flaky = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    paths.push(path);
    const jpeg = { "content-type": "image/jpeg" };
    switch (path) {
      case "/t/p/original/redirect.jpg":
        return new Response(null, {
          status: 302,
          headers: { location: `http://127.0.0.1:${trapPort}/x.jpg` },
        });
      case "/t/p/original/moved.jpg":
        return new Response(null, { status: 301, headers: { location: "/t/p/original/good.jpg" } });
      case "/t/p/original/text.jpg":
        return new Response("this is not an image", { headers: jpeg });
      case "/t/p/original/cut.jpg":
        return new Response(good.slice(0, good.length >> 1), { headers: jpeg });
      case "/t/p/original/flaky.jpg":
        if (flaky++ === 0) return new Response("busy", { status: 503 });
        return new Response(good, { headers: jpeg });
      case "/t/p/original/good.jpg":
      case "/t/p/original/late.jpg":
        return new Response(good, { headers: jpeg });
      default:
        return new Response("Not Found", { status: 404 });
    }
  });
  return { url: `http://127.0.0.1:${server.addr.port}/t/p`, paths, close: () => server.shutdown() };
}

dbTest(
  "images: nothing but the configured image host is ever contacted, and bad downloads fail with a reason",
  async (t) => {
    const listener = trap();
    const host = await hostileImageHost(listener.port);
    const ia = await startImageApp(host.url);
    const { app } = ia;
    const elsewhere = [
      `//127.0.0.1:${listener.port}/x.jpg`,
      `http://127.0.0.1:${listener.port}/x.jpg`,
      `https://127.0.0.1:${listener.port}/x.jpg`,
      `/../x`,
      `/..%2f..%2fx.jpg`,
      `/x.jpg?@127.0.0.1:${listener.port}`,
      `@127.0.0.1:${listener.port}/x.jpg`,
      `/\\127.0.0.1:${listener.port}/x.jpg`,
      `/x.jpg/../../127.0.0.1:${listener.port}/y.jpg`,
    ];
    try {
      await t.step("ensureTmdb refuses paths that are not TMDb file paths", async () => {
        for (const path of elsewhere) {
          await assertRejects(
            () => app.db.sql.begin((tx) => ia.images.ensureTmdb(tx, path)),
            ValidationError,
            "Not a TMDb image path",
          );
        }
        const [{ n }] = await app.db.sql<{ n: number }[]>`select count(*)::int as n from images`;
        assertEquals(n, 0);
      });

      await t.step("rows that bypassed ensure fail in the job, without a request", async () => {
        const queue = createJobQueue({ sql: app.db.sql, kinds: METADATA_KINDS });
        const ids: string[] = [];
        for (const path of elsewhere) {
          const row = await ia.repo.ensure("tmdb", path);
          await queue.enqueue("metadata.image", { imageId: row.id });
          ids.push(row.id);
        }
        for (const id of ids) {
          const image = await settled(ia.repo, id);
          assertEquals([image.state, image.error], ["failed", "Not a TMDb image path."]);
        }
      });

      const outcome = async (path: string) => {
        const id = await app.db.sql.begin((tx) => ia.images.ensureTmdb(tx, path));
        return await settled(ia.repo, id, 60_000);
      };
      await t.step("redirects are refused, to another host and to the same one", async () => {
        const away = await outcome("/redirect.jpg");
        assertEquals([away.state, away.error], [
          "failed",
          "The TMDb image host answered a redirect (302).",
        ]);
        const moved = await outcome("/moved.jpg");
        assertEquals(moved.state, "failed");
      });

      await t.step("text, a cut-off JPEG and a 404 fail with their reason", async () => {
        const text = await outcome("/text.jpg");
        assertEquals([text.state, text.error], ["failed", "Not an image."]);
        const cut = await outcome("/cut.jpg");
        assertEquals(cut.state, "failed");
        assert(cut.error?.startsWith("The image is damaged"), cut.error ?? "");
        const gone = await outcome("/gone.jpg");
        assertEquals([gone.state, gone.error], ["failed", "The TMDb image host answered 404."]);
      });

      await t.step("a 503 is retried, and a good image is ready", async () => {
        const flaky = await outcome("/flaky.jpg");
        assertEquals([flaky.state, flaky.width], ["ready", 500]);
        assertEquals(host.paths.filter((p) => p.endsWith("/flaky.jpg")).length, 2);
        assertEquals((await outcome("/good.jpg")).state, "ready");
      });

      await t.step("an image whose job gave up is tried again by a later ensure", async () => {
        const row = await ia.repo.ensure("tmdb", "/late.jpg");
        await ia.images.giveUp(row.id, "Gave up after 8 attempts: TMDb is down.");
        await app.db.sql.begin((tx) => ia.images.ensureTmdb(tx, "/late.jpg"));
        assertEquals((await ia.repo.get(row.id))?.state, "failed", "not yet");
        const later = createImageService({
          sql: app.db.sql,
          dataDir: app.dataDir,
          tmdb: { imageBaseUrl: () => Promise.resolve(host.url) },
          logger: createLogger({ level: "silent" }),
          clock: { now: () => new Date(Date.now() + 7 * 3_600_000) },
        });
        await app.db.sql.begin((tx) => later.ensureTmdb(tx, "/late.jpg"));
        const image = await settled(ia.repo, row.id);
        assertEquals([image.state, image.error], ["ready", null]);
        // A failure retrying cannot help stays as it is.
        const text = (await ia.repo.ensure("tmdb", "/text.jpg")).id;
        await app.db.sql.begin((tx) => later.ensureTmdb(tx, "/text.jpg"));
        assertEquals((await ia.repo.get(text))?.state, "failed");
      });

      await t.step("the listener saw no connection, and the host only TMDb-shaped paths", () => {
        assertEquals(listener.seen.connections, 0);
        for (const p of host.paths) assert(/^\/t\/p\/original\/[a-z]+\.jpg$/.test(p), p);
        // Each image once, but the retried one.
        assertEquals(host.paths.length, new Set(host.paths).size + 1);
      });
    } finally {
      await app.close();
      await host.close();
      listener.close();
    }
  },
);
