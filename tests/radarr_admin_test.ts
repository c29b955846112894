/**
 * The Radarr admin API against the fake Radarr: the contract (201 with a
 * webhookUrl that works), secrets never returned and sealed at rest, test,
 * status, quality profiles and root folders, update and delete, the
 * outbound policy (127.0.0.1 works, 169.254.169.254 and fd00:ec2::254 are
 * refused), the client's retries on 5xx, and permissions.
 */
import { assert, assertEquals } from "./assert.ts";
import { call, createUser } from "./auth_helpers.ts";
import { dbTest } from "./harness.ts";
import { radarrPayloads } from "./fakes/radarr.ts";
import { postWebhook, startRadarrWorld, syntheticFilms } from "./radarr_helpers.ts";

const R = "/api/v1/admin/integrations/radarr";

dbTest("radarr admin API: instances, secrets, outbound policy, Radarr's lists", async (t) => {
  const { radarr, tmdb } = syntheticFilms(2);
  const w = await startRadarrWorld({ radarr, tmdb });
  const { app, token } = w;
  try {
    await t.step("create answers 201 with a webhookUrl that accepts a Download (202)", async () => {
      const u = new URL(w.webhookUrl);
      assertEquals(u.pathname, `/api/v1/webhooks/radarr/${w.instanceId}`);
      assertEquals(u.searchParams.get("token"), w.secret);
      const r = await postWebhook(w, radarrPayloads.download(radarr[0]));
      assertEquals(r.status, 202, JSON.stringify(r.body));
    });

    await t.step("secrets are never returned, and sealed at rest", async () => {
      const list = await call(app, "GET", R, { token });
      assertEquals(list.status, 200);
      assertEquals(list.body.items.length, 1);
      const one = await call(app, "GET", `${R}/${w.instanceId}`, { token });
      const status = await call(app, "GET", `${R}/${w.instanceId}/status`, { token });
      for (const r of [list, one, status]) {
        const text = JSON.stringify(r.body);
        assert(!text.includes(w.radarr.apiKey), "no API key in " + text);
        assert(!text.includes(w.secret), "no webhook secret in " + text);
      }
      assertEquals(one.body.webhookPath, `/api/v1/webhooks/radarr/${w.instanceId}`);
      const [row] = await app.db.sql<{ sealed: Uint8Array; hash: Uint8Array }[]>`
        select api_key_sealed as sealed, webhook_secret_hash as hash from radarr_instances`;
      const raw = new TextDecoder("latin1").decode(row.sealed);
      assert(!raw.includes(w.radarr.apiKey), "the API key is not stored in clear");
      assertEquals(row.hash.length, 32);
    });

    await t.step("test, status, quality profiles and root folders ask Radarr", async () => {
      const ok = await call(app, "POST", `${R}/test`, {
        token,
        body: { url: w.radarr.url, apiKey: w.radarr.apiKey },
      });
      assertEquals(ok.status, 200, JSON.stringify(ok.body));
      assertEquals(ok.body.appName, "Radarr");
      const badKey = await call(app, "POST", `${R}/test`, {
        token,
        body: { url: w.radarr.url, apiKey: "wrong" },
      });
      assertEquals(badKey.status, 503);
      assertEquals(badKey.body.detail, "Radarr refused the API key.");
      const status = await call(app, "GET", `${R}/${w.instanceId}/status`, { token });
      assertEquals([status.body.reachable, status.body.version], [true, "5.14.0.9383"]);
      const profiles = await call(app, "GET", `${R}/${w.instanceId}/quality-profiles`, { token });
      assertEquals(profiles.body.items.map((p: { name: string }) => p.name), [
        "Any",
        "HD-1080p",
        "Ultra-HD",
      ]);
      const folders = await call(app, "GET", `${R}/${w.instanceId}/root-folders`, { token });
      assertEquals(folders.body.items.map((p: { path: string }) => p.path), ["/movies"]);
    });

    await t.step("5xx answers are retried with back-off", async () => {
      w.radarr.failNext(2, 503);
      const before = w.radarr.requests.length;
      const r = await call(app, "GET", `${R}/${w.instanceId}/root-folders`, { token });
      assertEquals(r.status, 200, JSON.stringify(r.body));
      assertEquals(
        w.radarr.requests.slice(before).map((x) => x.status),
        [503, 503, 200],
      );
      w.radarr.failNext(5, 500);
      const down = await call(app, "GET", `${R}/${w.instanceId}/root-folders`, { token });
      assertEquals(down.status, 503);
      w.radarr.failNext(0);
    });

    await t.step(
      "an admin's Radarr on 127.0.0.1 works; link-local and metadata are refused",
      async () => {
        for (
          const url of [
            "http://169.254.169.254",
            "http://[fd00:ec2::254]:7878",
            "http://[fe80::1]/",
          ]
        ) {
          const made = await call(app, "POST", R, {
            token,
            body: { name: `bad ${url}`, url, apiKey: "k", pathMappings: [] },
          });
          assertEquals(made.status, 400, `${url}: ${JSON.stringify(made.body)}`);
          const tried = await call(app, "POST", `${R}/test`, { token, body: { url, apiKey: "k" } });
          assertEquals(tried.status, 400, `${url}: ${JSON.stringify(tried.body)}`);
        }
        const local = await call(app, "POST", `${R}/test`, {
          token,
          body: { url: w.radarr.url.replace("127.0.0.1", "localhost"), apiKey: w.radarr.apiKey },
        });
        assertEquals(local.status, 200, JSON.stringify(local.body));
        const [n] = await app.db.sql<
          { n: number }[]
        >`select count(*)::int as n from radarr_instances`;
        assertEquals(n.n, 1);
      },
    );

    await t.step(
      "update keeps the API key unless a new one is given; names are unique",
      async () => {
        const other = await call(app, "POST", R, {
          token,
          body: { name: "Radarr 4K", url: w.radarr.url, apiKey: w.radarr.apiKey, pathMappings: [] },
        });
        assertEquals(other.status, 201);
        const dup = await call(app, "PUT", `${R}/${other.body.id}`, {
          token,
          body: { name: "radarr 1080P", url: w.radarr.url, pathMappings: [] },
        });
        assertEquals(dup.status, 409);
        const put = await call(app, "PUT", `${R}/${other.body.id}`, {
          token,
          body: {
            name: "Radarr UHD",
            url: w.radarr.url,
            pathMappings: [{ from: "/movies", to: "/srv/uhd" }],
          },
        });
        assertEquals(put.status, 200, JSON.stringify(put.body));
        assertEquals(put.body.pathMappings, [{ from: "/movies", to: "/srv/uhd" }]);
        const status = await call(app, "GET", `${R}/${other.body.id}/status`, { token });
        assertEquals(status.body.reachable, true, "the saved key still opens");
        const del = await call(app, "DELETE", `${R}/${other.body.id}`, { token });
        assertEquals(del.status, 204);
        assertEquals((await call(app, "GET", `${R}/${other.body.id}`, { token })).status, 404);
        const actions = await app.db.sql<{ action: string }[]>`
        select action from audit_log where action like 'radarr.instance.%' order by id`;
        assertEquals(actions.map((a) => a.action), [
          "radarr.instance.created",
          "radarr.instance.created",
          "radarr.instance.updated",
          "radarr.instance.deleted",
        ]);
      },
    );

    await t.step(
      "bad input is 400, an unknown id 404, a user without the permission 403",
      async () => {
        const bad = await call(app, "POST", R, {
          token,
          body: {
            name: "",
            url: "not a url",
            apiKey: "",
            pathMappings: [{ from: "rel", to: "x" }],
          },
        });
        assertEquals(bad.status, 400);
        assertEquals(
          (await call(app, "GET", `${R}/${crypto.randomUUID()}/status`, { token })).status,
          404,
        );
        const user = await createUser(app, token, "viewer");
        assertEquals((await call(app, "GET", R, { token: user.token })).status, 403);
        assertEquals(
          (await call(app, "POST", `${R}/${w.instanceId}/sync`, { token: user.token })).status,
          403,
        );
        assertEquals((await call(app, "GET", R)).status, 401);
      },
    );
  } finally {
    await w.close();
  }
});
