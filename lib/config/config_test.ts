import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { CONFIG_KEYS, ConfigError, loadConfig } from "./config.ts";

Deno.test("loadConfig gives the documented defaults", () => {
  const c = loadConfig({ env: {}, uid: 1000 });
  assertEquals(c.port, 8095);
  assertEquals(c.dataDir, "./data");
  assertEquals(loadConfig({ env: {}, uid: 0 }).dataDir, "/var/lib/revenge", "root's default");
  assertEquals(loadConfig({ env: { REVENGE_DATA_DIR: "/srv/r" }, uid: 0 }).dataDir, "/srv/r");
  assertEquals(c.trustedProxies, []);
  assertEquals(c.databaseUrl, undefined);
});

Deno.test("loadConfig lets the environment override the file", () => {
  const c = loadConfig({ env: { REVENGE_PORT: "9000" }, file: { port: 7000, host: "127.0.0.1" } });
  assertEquals(c.port, 9000);
  assertEquals(c.host, "127.0.0.1");
});

Deno.test("loadConfig names the key and what is allowed", () => {
  const e = assertThrows(() => loadConfig({ env: { REVENGE_PORT: "abc" } }), ConfigError);
  assertEquals(e.message.startsWith("REVENGE_PORT:"), true);
  const e2 = assertThrows(
    () => loadConfig({ env: { REVENGE_TRUSTED_PROXIES: "10.0.0.0/8,nope" } }),
    ConfigError,
  );
  assertEquals(e2.message.includes("CIDR"), true);
  assertThrows(() => loadConfig({ env: {}, file: { prot: 1 } }), ConfigError, "unknown key");
  assertThrows(() => loadConfig({ env: { DATABASE_URL: "mysql://x" } }), ConfigError, "postgres");
});

Deno.test("docs/configuration.md lists every key with its default", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/configuration.md", import.meta.url));
  for (const spec of Object.values(CONFIG_KEYS)) {
    const row = doc.split("\n").find((l) => l.includes(`\`${spec.env}\``));
    assertEquals(row !== undefined, true, `${spec.env} missing from docs/configuration.md`);
    if (spec.default) assertEquals(row!.includes(spec.default), true, `${spec.env} default`);
  }
});

Deno.test("loadConfig reads per-queue job concurrency and refuses unknown queues", () => {
  assertEquals(loadConfig({ env: {} }).jobConcurrency, {});
  const c = loadConfig({ env: { REVENGE_JOB_CONCURRENCY: "scan=2, metadata=16" } });
  assertEquals(c.jobConcurrency, { scan: 2, metadata: 16 });
  assertEquals(loadConfig({ env: {} }).jobWorkers, 2);
  assertThrows(
    () => loadConfig({ env: { REVENGE_JOB_CONCURRENCY: "scans=2" } }),
    ConfigError,
    "REVENGE_JOB_CONCURRENCY: must be queue=number pairs",
  );
  assertThrows(() => loadConfig({ env: { REVENGE_JOB_WORKERS: "65" } }), ConfigError);
});
