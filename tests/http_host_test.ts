/**
 * The `Host` header: anything but `host[:port]` is refused before routing
 * (a path in it would replace the request's path), and links handed out for
 * later (password reset) never take their origin from an unlisted Host.
 */
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { setupAdmin } from "./auth_helpers.ts";
import { rawRequest } from "./traversal.ts";
import { isValidHostHeader } from "../lib/http/middleware/host_header.ts";

Deno.test("isValidHostHeader accepts host[:port] only", () => {
  for (
    const ok of [
      "localhost",
      "localhost:8095",
      "127.0.0.1:1",
      "[::1]:8095",
      "[::1]",
      "revenge_app",
      "a.b-c.example.",
      "MOVIES.example:443",
    ]
  ) {
    assert(isValidHostHeader(ok), ok);
  }
  for (
    const bad of [
      "127.0.0.1:8095/healthz?",
      "a@evil.example",
      "evil example",
      "evil.example:99999",
      "evil.example:",
      "evil.example:80:80",
      "evil.example?x",
      "evil.example#x",
      "evil.example\\x",
      "",
      "[::1",
      "-lead.example",
    ]
  ) {
    assert(!isValidHostHeader(bad), bad);
  }
});

dbTest("hostHeader answers 400 to a Host with path, userinfo, spaces; no reroute", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const port = new URL(app.url).port;
    for (const host of [`127.0.0.1:${port}/healthz?`, `a@127.0.0.1:${port}`, "evil example"]) {
      const r = await rawRequest(app.url, {
        target: "/api/v1/admin/audit",
        headers: { host, authorization: `Bearer ${admin.token}` },
      });
      assertEquals(r.status, 400, `${host}: ${r.body}`);
      assert(!r.body.includes('"status":"ok"'), `${host} was answered as /healthz`);
    }
    // Well-formed hosts go through.
    for (const host of [`localhost:${port}`, `[::1]:${port}`, "revenge_app"]) {
      const r = await rawRequest(app.url, { target: "/healthz", headers: { host } });
      assertEquals(r.status, 200, host);
    }
  } finally {
    await app.close();
  }
});

async function resetLink(url: string, token: string, host: string) {
  const admin = await rawRequest(url, {
    method: "POST",
    target: "/api/v1/admin/users",
    headers: { host, authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      username: `u${crypto.randomUUID().slice(0, 8)}`,
      password: "a long enough password",
      roles: ["user"],
    }),
  });
  assertEquals(admin.status, 201, admin.body);
  const id = JSON.parse(admin.body).id;
  const r = await rawRequest(url, {
    method: "POST",
    target: `/api/v1/admin/users/${id}/password-reset-link`,
    headers: { host, authorization: `Bearer ${token}` },
  });
  assertEquals(r.status, 201, r.body);
  return JSON.parse(r.body);
}

dbTest(
  "POST /api/v1/admin/users/{id}/password-reset-link never points at the request's Host",
  async () => {
    const plain = await startTestApp();
    const listed = await startTestApp({
      env: { REVENGE_ALLOWED_HOSTS: "movies.example, other.example:8443" },
    });
    const fixed = await startTestApp({ env: { REVENGE_PUBLIC_URL: "https://movies.example/" } });
    try {
      // Nothing configured: relative, and the answer says why.
      const p = await setupAdmin(plain);
      const rel = await resetLink(plain.url, p.token, "evil.example");
      assert(rel.url.startsWith("/reset-password?token=rvr_"), rel.url);
      assert(!JSON.stringify(rel).includes("evil.example"));
      assert(rel.note.includes("REVENGE_PUBLIC_URL"), rel.note);

      // An allowed host gives its origin; any other Host still gets a relative link.
      const l = await setupAdmin(listed);
      const ok = await resetLink(listed.url, l.token, "movies.example:8095");
      assert(ok.url.startsWith("http://movies.example:8095/reset-password?token=rvr_"), ok.url);
      assertEquals(ok.note, undefined);
      const portOk = await resetLink(listed.url, l.token, "other.example:8443");
      assert(portOk.url.startsWith("http://other.example:8443/"), portOk.url);
      const wrongPort = await resetLink(listed.url, l.token, "other.example:9999");
      assert(wrongPort.url.startsWith("/reset-password?"), wrongPort.url);
      const evil = await resetLink(listed.url, l.token, "evil.example");
      assert(evil.url.startsWith("/reset-password?"), evil.url);

      // The public URL wins over any Host.
      const f = await setupAdmin(fixed);
      const pub = await resetLink(fixed.url, f.token, "evil.example");
      assert(pub.url.startsWith("https://movies.example/reset-password?token=rvr_"), pub.url);
    } finally {
      await Promise.all([plain.close(), listed.close(), fixed.close()]);
    }
  },
);
