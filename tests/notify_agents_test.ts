/**
 * Notification agents end to end: each agent kind against a local receiver
 * speaking its wire format (tests/fakes/notify_receivers.ts, an SMTP server
 * with STARTTLS and implicit TLS), events emitted by the services, secrets
 * sealed and never returned, the test-send action, and the password-reset
 * mail.
 */
import { assert, assertEquals } from "./assert.ts";
import { ADMIN_PASSWORD, call, setupAdmin } from "./auth_helpers.ts";
import { dbTest } from "./harness.ts";
import { startReceiver } from "./fakes/notify_receivers.ts";
import { SMTP_TEST_CERT, startFakeSmtp } from "./fakes/smtp.ts";
import { startSmtpProcess } from "./fakes/smtp_process.ts";
import { startNotifyApp } from "./notify_helpers.ts";
import { waitFor } from "./wait_for.ts";

const AGENTS = "/api/v1/admin/notifications/agents";

dbTest(
  "every agent kind delivers a service's event with its fields, secrets stay sealed",
  async () => {
    // Short attempts and more of them: the STARTTLS mail may need its retries (below).
    const env = await startNotifyApp({
      REVENGE_NOTIFY_TIMEOUT_SEC: "3",
      REVENGE_NOTIFY_MAX_ATTEMPTS: "10",
    });
    const webhook = startReceiver({ kind: "webhook" });
    const discord = startReceiver({ kind: "discord" });
    const gotify = startReceiver({ kind: "gotify", token: "gotify-app-token" });
    const ntfy = startReceiver({ kind: "ntfy" });
    const starttls = await startSmtpProcess({ users: { mailer: "smtp-password" } });
    const implicit = await startSmtpProcess({
      implicitTls: true,
      users: { mailer: "smtp-password" },
    });
    try {
      const { app } = env;
      const admin = await setupAdmin(app);
      const events = ["user.created"];
      const email = (port: number, security: string) => ({
        host: "mail.test",
        port,
        security,
        username: "mailer",
        from: "revenge@mail.test",
        to: ["ops@example.org"],
        tlsCa: SMTP_TEST_CERT,
      });
      const specs = [
        {
          kind: "webhook",
          settings: { url: `${webhook.url}/hook` },
          secrets: { token: "hook-token" },
        },
        {
          kind: "discord",
          settings: { username: "Revenge bot" },
          secrets: { webhookUrl: `${discord.url}/api/webhooks/1234/discord-secret-token` },
        },
        { kind: "gotify", settings: { url: gotify.url }, secrets: { token: "gotify-app-token" } },
        { kind: "ntfy", settings: { url: ntfy.url, topic: "revenge", priority: 4, tags: ["tv"] } },
        {
          kind: "email",
          settings: email(starttls.port, "starttls"),
          secrets: { password: "smtp-password" },
        },
        {
          kind: "email",
          settings: email(implicit.port, "tls"),
          secrets: { password: "smtp-password" },
        },
      ];
      const secretValues = [
        "hook-token",
        "discord-secret-token",
        "gotify-app-token",
        "smtp-password",
      ];
      for (const [i, s] of specs.entries()) {
        const r = await call(app, "POST", AGENTS, {
          token: admin.token,
          body: { ...s, name: `${s.kind} ${i}`, events },
        });
        assertEquals(r.status, 201, JSON.stringify(r.body));
        assertEquals(r.body.secretsSet, Object.keys(s.secrets ?? {}).sort());
        for (const v of secretValues) assert(!JSON.stringify(r.body).includes(v), `${v} returned`);
      }
      const list = await call(app, "GET", AGENTS, { token: admin.token });
      assertEquals(list.body.items.length, specs.length);
      for (const v of secretValues) assert(!JSON.stringify(list.body).includes(v), `${v} listed`);
      // At rest: sealed bytes, not the tokens.
      const rows = await app.db.sql<{ secret: Uint8Array | null }[]>`
      select secret from notification_agents`;
      for (const row of rows) {
        const text = row.secret ? new TextDecoder().decode(row.secret) : "";
        for (const v of secretValues) assert(!text.includes(v), `${v} stored in clear`);
      }

      // The service emits user.created in the transaction that creates the user.
      const created = await call(app, "POST", "/api/v1/admin/users", {
        token: admin.token,
        body: { username: "carol", password: ADMIN_PASSWORD, roles: ["user"] },
      });
      assertEquals(created.status, 201, JSON.stringify(created.body));

      // The STARTTLS mail may need its retry: the first upgrade in a job worker can stall on
      // Deno 2.9.6's node:tls (docs/notifications.md, known limitations).
      const arrived = () =>
        webhook.received.length && discord.received.length && gotify.received.length &&
        ntfy.received.length && starttls.mails.length && implicit.mails.length;
      await waitFor(arrived, {
        timeoutMs: 120_000,
        message: () =>
          `every receiver to get the event (webhook ${webhook.received.length}, discord ${discord.received.length}, gotify ${gotify.received.length}, ntfy ${ntfy.received.length}, smtp ${starttls.mails.length}/${implicit.mails.length})`,
      });

      const w = webhook.received[0];
      assertEquals(w.path, "/hook");
      assertEquals(w.json.event, "user.created");
      assertEquals(w.json.fields.username, "carol");
      assertEquals(w.json.title, "New user: carol");
      assertEquals(w.headers.get("authorization"), "Bearer hook-token");
      const key = await crypto.subtle.importKey(
        "raw",
        new TextEncoder().encode("hook-token"),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      const sig = new Uint8Array(
        await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(w.text)),
      );
      assertEquals(
        w.headers.get("x-revenge-signature"),
        `sha256=${[...sig].map((b) => b.toString(16).padStart(2, "0")).join("")}`,
      );

      const d = discord.received[0];
      assertEquals(d.path, "/api/webhooks/1234/discord-secret-token");
      assertEquals(d.json.username, "Revenge bot");
      assertEquals(d.json.allowed_mentions, { parse: [] });
      assertEquals(d.json.embeds[0].title, "New user: carol");
      assertEquals(d.json.embeds[0].color, 0x2980b9);
      assert(
        d.json.embeds[0].fields.some((f: { name: string; value: string }) =>
          f.name === "username" && f.value === "carol"
        ),
      );

      const g = gotify.received[0];
      assertEquals(g.headers.get("x-gotify-key"), "gotify-app-token");
      assertEquals(g.json.title, "New user: carol");
      assertEquals(g.json.priority, 6);

      const n = ntfy.received[0];
      assertEquals(n.json.topic, "revenge");
      assertEquals(n.json.title, "New user: carol");
      assertEquals(n.json.priority, 4);
      assertEquals(n.json.tags, ["tv", "bust_in_silhouette"]);

      for (const smtp of [starttls, implicit]) {
        const m = smtp.mails[0];
        assertEquals(m.tls, true);
        assertEquals(m.user, "mailer");
        assertEquals(m.from, "revenge@mail.test");
        assertEquals(m.to, ["ops@example.org"]);
        assert(m.data.includes("Subject: New user: carol"), m.data);
      }
    } finally {
      await Promise.all([webhook.close(), discord.close(), gotify.close(), ntfy.close()]);
      await starttls.close();
      await implicit.close();
      await env.close();
    }
  },
);

dbTest(
  "templates take the event's fields; a changed secret replaces, a null one is removed",
  async () => {
    const env = await startNotifyApp();
    const webhook = startReceiver({ kind: "webhook" });
    try {
      const { app } = env;
      const admin = await setupAdmin(app);
      const r = await call(app, "POST", AGENTS, {
        token: admin.token,
        body: {
          kind: "webhook",
          name: "templated",
          events: ["user.created"],
          settings: { url: webhook.url },
          secrets: { token: "first" },
          titleTemplate: "Welcome {{username}} ({{event}})",
          bodyTemplate: "Say hi to {{ username }}{{unknown}}.",
        },
      });
      assertEquals(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id;
      const changed = await call(app, "PATCH", `${AGENTS}/${id}`, {
        token: admin.token,
        body: { secrets: { token: "second" } },
      });
      assertEquals(changed.status, 200, JSON.stringify(changed.body));
      assertEquals(changed.body.secretsSet, ["token"]);
      await call(app, "POST", "/api/v1/admin/users", {
        token: admin.token,
        body: { username: "dave", password: ADMIN_PASSWORD, roles: ["user"] },
      });
      await waitFor(() => webhook.received.length === 1, { message: "the templated event" });
      assertEquals(webhook.received[0].json.title, "Welcome dave (user.created)");
      assertEquals(webhook.received[0].json.message, "Say hi to dave.");
      assertEquals(webhook.received[0].headers.get("authorization"), "Bearer second");

      const removed = await call(app, "PATCH", `${AGENTS}/${id}`, {
        token: admin.token,
        body: { secrets: { token: null } },
      });
      assertEquals(removed.body.secretsSet, []);
      // Settings of the wrong shape are a 400 naming the field.
      const bad = await call(app, "PATCH", `${AGENTS}/${id}`, {
        token: admin.token,
        body: { settings: { url: "ftp://example.org/" } },
      });
      assertEquals(bad.status, 400);
      const unknownKey = await call(app, "POST", AGENTS, {
        token: admin.token,
        body: { kind: "gotify", name: "x", events: [], settings: { url: webhook.url } },
      });
      assertEquals(unknownKey.status, 400, "gotify without its token");
    } finally {
      await webhook.close();
      await env.close();
    }
  },
);

dbTest("send a test: a working agent answers delivered, a dead one says why", async () => {
  const env = await startNotifyApp();
  const good = startReceiver({ kind: "ntfy" });
  const dead = startReceiver({ kind: "webhook", status: 503 });
  try {
    const { app } = env;
    const admin = await setupAdmin(app);
    const make = async (body: unknown) =>
      (await call(app, "POST", AGENTS, { token: admin.token, body })).body.id as string;
    const goodId = await make({
      kind: "ntfy",
      name: "phone",
      events: ["movie.added"],
      settings: { url: good.url, topic: "films" },
    });
    const deadId = await make({
      kind: "webhook",
      name: "down",
      events: [],
      settings: { url: dead.url },
    });
    const ok = await call(app, "POST", `${AGENTS}/${goodId}/test`, { token: admin.token });
    assertEquals(ok.status, 200);
    assertEquals(ok.body, { delivered: true });
    assertEquals(good.received[0].json.topic, "films");
    assertEquals(good.received[0].json.title, "New film: Revenge test notification");
    const failed = await call(app, "POST", `${AGENTS}/${deadId}/test`, { token: admin.token });
    assertEquals(failed.body.delivered, false);
    assertEquals(failed.body.error, "The receiver answered HTTP 503.");
    const audit = await call(app, "GET", "/api/v1/admin/audit?action=notification_agent.tested", {
      token: admin.token,
    });
    assertEquals(audit.status, 200);
  } finally {
    await good.close();
    await dead.close();
    await env.close();
  }
});

dbTest("a password-reset link is e-mailed to the user when an e-mail agent exists", async () => {
  const smtp = await startFakeSmtp();
  const env = await startNotifyApp({ REVENGE_PUBLIC_URL: "https://films.example.org" });
  try {
    const { app } = env;
    const admin = await setupAdmin(app);
    const u = await call(app, "POST", "/api/v1/admin/users", {
      token: admin.token,
      body: {
        username: "erin",
        password: ADMIN_PASSWORD,
        roles: ["user"],
        email: "erin@example.org",
      },
    });
    assertEquals(u.status, 201, JSON.stringify(u.body));
    const before = await call(app, "POST", `/api/v1/admin/users/${u.body.id}/password-reset-link`, {
      token: admin.token,
    });
    assertEquals(before.body.emailed, false, "no e-mail agent yet");
    const agent = await call(app, "POST", AGENTS, {
      token: admin.token,
      body: {
        kind: "email",
        name: "mail",
        events: [],
        settings: {
          host: "mail.test",
          port: smtp.port,
          security: "starttls",
          from: "revenge@mail.test",
          tlsCa: SMTP_TEST_CERT,
        },
      },
    });
    assertEquals(agent.status, 201, JSON.stringify(agent.body));
    const link = await call(app, "POST", `/api/v1/admin/users/${u.body.id}/password-reset-link`, {
      token: admin.token,
    });
    assertEquals(link.status, 201, JSON.stringify(link.body));
    assertEquals(link.body.emailed, true);
    assertEquals(smtp.mails.length, 1);
    assertEquals(smtp.mails[0].to, ["erin@example.org"]);
    assert(smtp.mails[0].data.includes("Subject: Reset your Revenge password"));
    // Quoted-printable may wrap long lines: compare without soft breaks.
    assert(smtp.mails[0].data.replace(/=\n/g, "").replace(/=3D/g, "=").includes(link.body.url));
  } finally {
    await smtp.close();
    await env.close();
  }
});
