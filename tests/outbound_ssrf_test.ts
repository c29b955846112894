/**
 * SSRF rules of lib/net/outbound.ts against real sockets: a TCP listener on
 * 127.0.0.1 (and one on ::1) counts every connection it accepts, and no
 * refused target may reach it, whatever the URL form or DNS answer. Names
 * are answered by a local DNS stand-in (tests/fakes/dns.ts).
 */
import net from "node:net";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { startFakeDns } from "./fakes/dns.ts";
import { checkOutboundUrl, OutboundError, safeFetch } from "../lib/net/outbound.ts";
import { createResolver } from "../lib/net/resolver.ts";
import { classifyAddress } from "../lib/net/address_policy.ts";

interface Counter {
  port: number;
  count(): number;
  hosts: string[];
  close(): Promise<void>;
}

/** A raw TCP listener answering a tiny HTTP response and counting connections. */
async function countingListener(hostname: string, port = 0): Promise<Counter> {
  let n = 0;
  const hosts: string[] = [];
  const server = net.createServer((socket) => {
    n++;
    socket.on("data", (d: Uint8Array) => {
      const head = new TextDecoder().decode(d);
      const host = /\r\nhost: *([^\r]+)/i.exec(head)?.[1];
      if (host) hosts.push(host);
      socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, hostname, () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    count: () => n,
    hosts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function setup() {
  const v4 = await countingListener("127.0.0.1");
  const v6 = await countingListener("::1", v4.port).catch(() => undefined);
  const redirector = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response(null, { status: 302, headers: { location: `http://127.0.0.1:${v4.port}/` } }),
  );
  const dns = await startFakeDns({
    "loop.test": ["127.0.0.1"],
    "loop6.test": ["::1"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "metadata.test": ["169.254.169.254"],
    "lan.test": ["10.0.0.1"],
    // A public address first and loopback second: a second lookup (or the
    // connect's own) could land on the loopback one.
    "mixed.test": ["93.184.216.34", "127.0.0.1"],
    "mixed6.test": ["2606:4700::1111", "::1"],
  });
  const resolve = createResolver({ nameServer: { ipAddr: "127.0.0.1", port: dns.port } });
  return {
    v4,
    resolve,
    redirectorPort: redirector.addr.port,
    connections: () => v4.count() + (v6?.count() ?? 0),
    async [Symbol.asyncDispose]() {
      await v4.close();
      await v6?.close();
      await redirector.shutdown();
      await dns.close();
    },
  };
}

Deno.test("safeFetch for a user's target reaches none of the refused addresses", async () => {
  await using t = await setup();
  const p = t.v4.port;
  const targets = [
    `http://127.0.0.1:${p}/`,
    `http://[::1]:${p}/`,
    `http://169.254.169.254:${p}/latest/meta-data/`,
    `http://10.0.0.1:${p}/`,
    `http://0.0.0.0:${p}/`,
    `http://2130706433:${p}/`, // 127.0.0.1 as one number
    `http://0x7f.1:${p}/`,
    `http://[::ffff:127.0.0.1]:${p}/`,
    `http://[::ffff:7f00:1]:${p}/`,
    `http://[fd00:ec2::254]:${p}/`,
    `http://localhost:${p}/`,
    `http://LOCALHOST.:${p}/`,
    `http://app.localhost:${p}/`,
    `http://loop.test:${p}/`,
    `http://loop6.test:${p}/`,
    `http://mapped.test:${p}/`,
    `http://metadata.test:${p}/`,
    `http://lan.test:${p}/`,
    `http://mixed.test:${p}/`,
    `http://mixed6.test:${p}/`,
  ];
  for (const url of targets) {
    const err = await assertRejects(
      () => safeFetch(url, {}, { policy: "user", resolve: t.resolve, timeoutMs: 2000 }),
      OutboundError,
    );
    assertEquals((err as OutboundError).reason, "blocked", url);
  }
  assertEquals(t.connections(), 0);
});

Deno.test("safeFetch follows no redirect: a 302 to loopback is answered as it is", async () => {
  await using t = await setup();
  // The redirector itself is on loopback, so only the admin policy reaches it;
  // the Location it answers is never fetched, under any policy.
  const res = await safeFetch(`http://127.0.0.1:${t.redirectorPort}/`, {}, {
    policy: "admin",
    resolve: t.resolve,
  });
  assertEquals(res.status, 302);
  assertEquals(res.headers.get("location"), `http://127.0.0.1:${t.v4.port}/`);
  assertEquals(t.connections(), 0);
});

Deno.test("safeFetch refuses other schemes and unresolvable names", async () => {
  await using t = await setup();
  for (
    const url of ["file:///etc/passwd", "ftp://example.com/", "gopher://127.0.0.1/", "not a url"]
  ) {
    const err = await assertRejects(
      () => safeFetch(url, {}, { policy: "admin", resolve: t.resolve }),
      OutboundError,
    );
    assertEquals((err as OutboundError).reason, "invalid_url", url);
  }
  const err = await assertRejects(
    () => safeFetch("http://nowhere.test/", {}, { policy: "user", resolve: t.resolve }),
    OutboundError,
  );
  assertEquals((err as OutboundError).reason, "unresolvable");
});

Deno.test("safeFetch for an admin's target reaches loopback and the LAN, never metadata", async () => {
  await using t = await setup();
  const p = t.v4.port;
  const ok = await safeFetch(`http://127.0.0.1:${p}/x`, {}, {
    policy: "admin",
    resolve: t.resolve,
  });
  assertEquals(await ok.text(), "ok");
  // A name resolving to loopback connects to the checked address while Host
  // stays the name: no second lookup is made.
  const named = await safeFetch(`http://loop.test:${p}/`, {}, {
    policy: "admin",
    resolve: t.resolve,
  });
  assertEquals(named.status, 200);
  assertEquals(t.v4.hosts.at(-1), `loop.test:${p}`);
  assertEquals(t.connections(), 2);
  for (
    const url of [
      `http://169.254.169.254:${p}/`,
      `http://[fd00:ec2::254]:${p}/`,
      `http://[::ffff:169.254.169.254]:${p}/`,
      `http://169.254.1.1:${p}/`,
      `http://[fe80::1]:${p}/`,
      `http://metadata.test:${p}/`,
      `http://224.0.0.1:${p}/`,
      `http://255.255.255.255:${p}/`,
      `http://0.0.0.0:${p}/`,
    ]
  ) {
    const err = await assertRejects(
      () => safeFetch(url, {}, { policy: "admin", resolve: t.resolve, timeoutMs: 2000 }),
      OutboundError,
    );
    assertEquals((err as OutboundError).reason, "blocked", url);
  }
  assertEquals(t.connections(), 2);
});

Deno.test("safeFetch times out and caps the body", async () => {
  const held: net.Socket[] = [];
  const silent = net.createServer((socket) => {
    held.push(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
  const silentPort = (silent.address() as net.AddressInfo).port;
  const big = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("x".repeat(100_000)),
  );
  try {
    const slow = await assertRejects(
      () => safeFetch(`http://127.0.0.1:${silentPort}/`, {}, { policy: "admin", timeoutMs: 300 }),
      OutboundError,
    );
    assertEquals((slow as OutboundError).reason, "timeout");
    const large = await assertRejects(
      () =>
        safeFetch(`http://127.0.0.1:${big.addr.port}/`, {}, { policy: "admin", maxBytes: 10_000 }),
      OutboundError,
    );
    assertEquals((large as OutboundError).reason, "too_large");
    const fine = await safeFetch(`http://127.0.0.1:${big.addr.port}/`, {}, { policy: "admin" });
    assertEquals((await fine.text()).length, 100_000);
  } finally {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await big.shutdown();
  }
});

Deno.test("safeFetch sends method, headers and body", async () => {
  let seen = "";
  const echo = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    seen = `${req.method} ${req.headers.get("content-type")} ${
      req.headers.get("authorization")
    } ${await req.text()}`;
    return Response.json({ ok: true }, { status: 201 });
  });
  try {
    const res = await safeFetch(`http://u:p%40ss@127.0.0.1:${echo.addr.port}/hook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ a: 1 }),
    }, { policy: "admin" });
    assertEquals(res.status, 201);
    assertEquals(await res.json(), { ok: true });
    assertEquals(seen, `POST application/json Basic ${btoa("u:p@ss")} {"a":1}`);
  } finally {
    await echo.shutdown();
  }
});

Deno.test("classifyAddress knows the special ranges", () => {
  const cases: Record<string, string> = {
    "8.8.8.8": "public",
    "2606:4700::1111": "public",
    "100.64.0.1": "private",
    "172.31.255.255": "private",
    "172.32.0.1": "public",
    "192.168.1.1": "private",
    "fc00::1": "private",
    "::": "unspecified",
    "ff02::1": "multicast",
    "64:ff9b::7f00:1": "loopback",
    "2002:a9fe:a9fe::": "metadata",
  };
  for (const [address, cls] of Object.entries(cases)) {
    assertEquals(classifyAddress(address), cls, address);
  }
  assert(checkOutboundUrl);
});

Deno.test("safeFetch over TLS verifies the certificate against the name, not the address", async () => {
  const cert = Deno.readTextFileSync(new URL("./fixtures/smtp_test_cert.pem", import.meta.url));
  const key = Deno.readTextFileSync(new URL("./fixtures/smtp_test_key.pem", import.meta.url));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert, key, onListen() {} },
    (req) => new Response(`host=${req.headers.get("host")}`),
  );
  const dns = await startFakeDns({ "mail.test": ["127.0.0.1"] });
  const resolve = createResolver({ nameServer: { ipAddr: "127.0.0.1", port: dns.port } });
  try {
    const port = server.addr.port;
    // The certificate names mail.test: the connection to 127.0.0.1 is verified as mail.test.
    const res = await safeFetch(`https://mail.test:${port}/`, {}, {
      policy: "admin",
      resolve,
      ca: [cert],
    });
    assertEquals(await res.text(), `host=mail.test:${port}`);
    // By address, the same certificate does not match: the name is what TLS checks.
    const err = await assertRejects(
      () => safeFetch(`https://127.0.0.1:${port}/`, {}, { policy: "admin", ca: [cert] }),
      OutboundError,
    );
    assertEquals((err as OutboundError).reason, "network");
  } finally {
    await server.shutdown();
    await dns.close();
  }
});
