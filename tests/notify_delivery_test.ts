/**
 * Delivery of notifications: a receiver that fails is retried, a dead one
 * (answering errors, or not answering at all) holds up no other; users get
 * only what they chose and may see; a user's own targets reach no loopback,
 * private or metadata address, neither when saved nor when delivered (a
 * counting listener on 127.0.0.1 sees no connection).
 */
import net from "node:net";
import { assert, assertEquals } from "./assert.ts";
import { call, login, setupAdmin, USER_PASSWORD } from "./auth_helpers.ts";
import { dbTest } from "./harness.ts";
import { startReceiver } from "./fakes/notify_receivers.ts";
import { notificationsSettled, startNotifyApp } from "./notify_helpers.ts";
import { waitFor } from "./wait_for.ts";
import { createNotificationAgentRepo } from "../lib/db/notification_agent_repo.ts";

const AGENTS = "/api/v1/admin/notifications/agents";
const MINE = "/api/v1/users/me/notifications/agents";

async function newUser(app: Parameters<typeof call>[0], admin: string, username: string) {
  const r = await call(app, "POST", "/api/v1/admin/users", {
    token: admin,
    body: { username, password: USER_PASSWORD, roles: ["user"] },
  });
  assertEquals(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}

dbTest("a failing receiver is retried; a dead or silent one holds up no other", async () => {
  const env = await startNotifyApp({ REVENGE_NOTIFY_TIMEOUT_SEC: "2" });
  const flaky = startReceiver({ kind: "webhook", failFirst: 1 });
  const dead = startReceiver({ kind: "webhook", status: 503 });
  const good = startReceiver({ kind: "gotify", token: "t" });
  // Accepts connections and never answers: each attempt waits for the timeout.
  const held: net.Socket[] = [];
  const silent = net.createServer((s) => held.push(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
  const silentPort = (silent.address() as net.AddressInfo).port;
  try {
    const { app } = env;
    const admin = await setupAdmin(app);
    const add = async (body: Record<string, unknown>) => {
      const r = await call(app, "POST", AGENTS, {
        token: admin.token,
        body: { events: ["user.created"], ...body },
      });
      assertEquals(r.status, 201, JSON.stringify(r.body));
    };
    await add({ kind: "webhook", name: "flaky", settings: { url: flaky.url } });
    await add({ kind: "webhook", name: "dead", settings: { url: dead.url } });
    await add({
      kind: "webhook",
      name: "silent",
      settings: { url: `http://127.0.0.1:${silentPort}/` },
    });
    await add({
      kind: "gotify",
      name: "good",
      settings: { url: good.url },
      secrets: { token: "t" },
    });
    await newUser(app, admin.token, "frank");

    await waitFor(() => good.received.length === 1, { message: "the good receiver's message" });
    // The good one did not wait for the dead ones to give up.
    const states = await app.db.sql<{ state: string; n: number }[]>`
      select state, count(*)::int as n from jobs where kind = 'notify.deliver' group by state`;
    assert(
      states.some((s) => s.state !== "succeeded"),
      `the dead deliveries are still being retried: ${JSON.stringify(states)}`,
    );
    await waitFor(() => flaky.received.length === 1, {
      message: () => `the flaky receiver's retry (attempts ${flaky.attempts()})`,
    });
    assertEquals(flaky.attempts(), 2);
    assertEquals(flaky.received[0].json.fields.username, "frank");
    await waitFor(() => dead.attempts() >= 2, { message: "the dead receiver to be retried" });
    const errors = await app.db.sql<{ errors: { error: string }[] }[]>`
      select errors from jobs where kind = 'notify.deliver' and attempt >= 1
        and errors::text like '%503%'`;
    assert(errors.length >= 1, "the 503 is recorded in the job's error history");
  } finally {
    for (const s of held) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    await Promise.all([flaky.close(), dead.close(), good.close()]);
    await env.close();
  }
});

dbTest("users get what they chose through offered agents, and only their own events", async () => {
  const env = await startNotifyApp();
  const hook = startReceiver({ kind: "webhook" });
  try {
    const { app } = env;
    const admin = await setupAdmin(app);
    const agent = await call(app, "POST", AGENTS, {
      token: admin.token,
      body: {
        kind: "webhook",
        name: "shared",
        events: [],
        userSelectable: true,
        settings: { url: hook.url },
      },
    });
    const hidden = await call(app, "POST", AGENTS, {
      token: admin.token,
      body: { kind: "webhook", name: "ops only", events: [], settings: { url: hook.url } },
    });
    await newUser(app, admin.token, "gina");
    await newUser(app, admin.token, "hank");
    const gina = await login(app, "gina", USER_PASSWORD);
    const hank = await login(app, "hank", USER_PASSWORD);

    const offered = await call(app, "GET", "/api/v1/users/me/notifications/preferences", {
      token: gina,
    });
    assertEquals(offered.status, 200);
    assertEquals(offered.body.items.map((p: { agentId: string }) => p.agentId), [agent.body.id]);
    const chose = await call(
      app,
      "PUT",
      `/api/v1/users/me/notifications/preferences/${agent.body.id}`,
      { token: gina, body: { events: ["auth.login_success", "auth.login_failed"] } },
    );
    assertEquals(chose.status, 200, JSON.stringify(chose.body));
    // Administrative events are not a user's to choose; an agent not offered is not found.
    const adminOnly = await call(
      app,
      "PUT",
      `/api/v1/users/me/notifications/preferences/${agent.body.id}`,
      { token: hank, body: { events: ["user.created"] } },
    );
    assertEquals(adminOnly.status, 400);
    const notOffered = await call(
      app,
      "PUT",
      `/api/v1/users/me/notifications/preferences/${hidden.body.id}`,
      { token: hank, body: { events: ["auth.login_success"] } },
    );
    assertEquals(notOffered.status, 404);

    await notificationsSettled(app);
    const before = hook.received.length;
    await login(app, "gina", USER_PASSWORD); // gina's own login: she hears of it
    await login(app, "hank", USER_PASSWORD); // hank's: gina must not
    const bad = await call(app, "POST", "/api/v1/auth/login", {
      body: { username: "gina", password: "wrong password here" },
    });
    assertEquals(bad.status, 401);
    await notificationsSettled(app);
    const got = hook.received.slice(before).map((r) => [r.json.event, r.json.fields.username]);
    assertEquals(got.sort(), [["auth.login_failed", "gina"], ["auth.login_success", "gina"]]);
    const success = hook.received.slice(before).find((r) => r.json.event === "auth.login_success")!;
    assertEquals(success.json.fields.clientIp, "127.0.0.1");
    assertEquals(success.json.fields.knownDevice, false);
  } finally {
    await hook.close();
    await env.close();
  }
});

dbTest("a user's own target reaches no loopback, private or metadata address", async () => {
  const env = await startNotifyApp();
  let connections = 0;
  const listener = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", () => r()));
  const port = (listener.address() as net.AddressInfo).port;
  try {
    const { app } = env;
    const admin = await setupAdmin(app);
    const userId = await newUser(app, admin.token, "ivy");
    const ivy = await login(app, "ivy", USER_PASSWORD);
    const refused = [
      `http://127.0.0.1:${port}/`,
      `http://[::1]:${port}/`,
      `http://169.254.169.254:${port}/`,
      `http://10.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://loop.test:${port}/`,
      `http://metadata.test:${port}/`,
      `http://mixed.test:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
    ];
    for (const url of refused) {
      const r = await call(app, "POST", MINE, {
        token: ivy,
        body: { kind: "webhook", name: "mine", events: ["auth.login_success"], settings: { url } },
      });
      assertEquals(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
      assert(/not allowed/.test(r.body.detail), r.body.detail);
      const d = await call(app, "POST", MINE, {
        token: ivy,
        body: {
          kind: "discord",
          name: "mine",
          events: [],
          settings: {},
          secrets: { webhookUrl: `${url}api/webhooks/1/x` },
        },
      });
      assertEquals(d.status, 400, `discord ${url}`);
    }
    // An administrator's agent may use loopback, never link-local or metadata.
    const meta = await call(app, "POST", AGENTS, {
      token: admin.token,
      body: {
        kind: "webhook",
        name: "x",
        events: [],
        settings: { url: `http://169.254.169.254:${port}/` },
      },
    });
    assertEquals(meta.status, 400);
    // E-mail is the server's, not a user's own target.
    const mail = await call(app, "POST", MINE, {
      token: ivy,
      body: {
        kind: "email",
        name: "m",
        events: [],
        settings: { host: "127.0.0.1", from: "a@b.c" },
      },
    });
    assertEquals(mail.status, 400);

    // A name that resolved to a public address when saved and to loopback now
    // (rebinding) is checked again on delivery: stored directly, as if saved earlier.
    const repo = createNotificationAgentRepo(app.db.sql);
    for (const url of [`http://loop.test:${port}/`, `http://mixed.test:${port}/`]) {
      await repo.insert(crypto.randomUUID(), {
        ownerUserId: userId,
        kind: "webhook",
        name: "rebound",
        enabled: true,
        events: ["auth.login_success"],
        userSelectable: false,
        settings: { url },
        secret: null,
        secretKeyId: null,
        titleTemplate: null,
        bodyTemplate: null,
      }, new Date());
    }
    await login(app, "ivy", USER_PASSWORD);
    await waitFor(async () => {
      const [r] = await app.db.sql<{ n: number }[]>`
        select count(*)::int as n from jobs
        where kind = 'notify.deliver' and errors::text like '%not allowed%'`;
      return r.n === 2;
    }, { message: "both deliveries to be refused" });
    // A refusal is final: dead after the first attempt, not retried 25 times.
    await waitFor(async () => {
      const rows = await app.db.sql<{ state: string; attempt: number }[]>`
        select state, attempt from jobs
        where kind = 'notify.deliver' and errors::text like '%not allowed%'`;
      return rows.length === 2 && rows.every((r) => r.state === "dead" && r.attempt === 1);
    }, { message: "the refused deliveries to be dead after one attempt" });
    const test = await call(app, "GET", MINE, { token: ivy });
    assertEquals(test.body.items.length, 2);
    const sent = await call(app, "POST", `${MINE}/${test.body.items[0].id}/test`, { token: ivy });
    assertEquals(sent.body.delivered, false);
    assertEquals(connections, 0);
    // Another user's target is not found.
    const other = await call(app, "GET", `${MINE}/${test.body.items[0].id}`, {
      token: admin.token,
    });
    assertEquals(other.status, 404);
  } finally {
    await new Promise<void>((r) => listener.close(() => r()));
    await env.close();
  }
});
