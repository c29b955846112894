import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { configSections, PRODUCTION_MODULES } from "../registry/modules.ts";
import { ConfigError, defineSection, loadConfig, renderConfigDocs } from "./config.ts";
import { bool, duration, integer, list, text } from "./values.ts";

const SECTIONS = configSections(PRODUCTION_MODULES);
// deno-lint-ignore no-explicit-any
const load = (options: Parameters<typeof loadConfig>[1]): any => loadConfig(SECTIONS, options);

Deno.test("loadConfig gives the documented defaults, typed", () => {
  const c = load({ env: {}, uid: 1000 });
  assertEquals(c.http.port, 8095);
  assertEquals(c.server.dataDir, "./data");
  assertEquals(load({ env: {}, uid: 0 }).server.dataDir, "/var/lib/revenge", "root's default");
  assertEquals(load({ env: { REVENGE_DATA_DIR: "/srv/r" }, uid: 0 }).server.dataDir, "/srv/r");
  assertEquals(c.http.trustedProxies, []);
  assertEquals(c.database.url, undefined);
  assertEquals(c.auth.openRegistration, false);
  assertEquals(c.auth.sessionIdleSec, 7 * 86_400);
  assertEquals(c.jobs.concurrency, {});
});

Deno.test("loadConfig reads a nested file with lists, numbers, booleans and durations; the environment wins", () => {
  const file = {
    http: { port: 7000, host: "127.0.0.1", trustedProxies: ["10.0.0.0/8", "192.168.1.1"] },
    auth: { openRegistration: true, sessionIdleSec: "12h", auditKeepDays: 30 },
    jobs: { concurrency: { scan: 2 }, leaseMs: "1m" },
    log: { level: "warn" },
  };
  const c = load({ env: {}, file });
  assertEquals(c.http.port, 7000);
  assertEquals(c.http.trustedProxies, ["10.0.0.0/8", "192.168.1.1"]);
  assertEquals(c.auth.openRegistration, true);
  assertEquals(c.auth.sessionIdleSec, 12 * 3600);
  assertEquals(c.auth.auditKeepDays, 30);
  assertEquals(c.jobs.concurrency, { scan: 2 });
  assertEquals(c.jobs.leaseMs, 60_000);
  assertEquals(c.log.level, "warn");

  const e = load({
    env: {
      REVENGE_PORT: "9000",
      REVENGE_TRUSTED_PROXIES: "127.0.0.1, ::1",
      REVENGE_OPEN_REGISTRATION: "no",
      REVENGE_SESSION_IDLE_SEC: "3600",
      REVENGE_JOB_CONCURRENCY: "scan=3,metadata=16",
    },
    file,
  });
  assertEquals(e.http.port, 9000);
  assertEquals(e.http.host, "127.0.0.1", "from the file");
  assertEquals(e.http.trustedProxies, ["127.0.0.1", "::1"]);
  assertEquals(e.auth.openRegistration, false);
  assertEquals(e.auth.sessionIdleSec, 3600, "a bare number is in the key's unit");
  assertEquals(e.jobs.concurrency, { scan: 3, metadata: 16 });
});

Deno.test("loadConfig still reads the flat keys of older files", () => {
  const c = load({ env: {}, file: { port: 7001, jobWorkers: 0, logLevel: "error" } });
  assertEquals(c.http.port, 7001);
  assertEquals(c.jobs.workers, 0);
  assertEquals(c.log.level, "error");
});

Deno.test("loadConfig names the key, the value and what is allowed", () => {
  const cases: [Parameters<typeof loadConfig>[1], string][] = [
    [
      { env: { REVENGE_PORT: "abc" } },
      'REVENGE_PORT: must be a port number from 0 to 65535 (got "abc")',
    ],
    [
      { env: {}, file: { http: { port: "80a" } } },
      'config file "http.port": must be a port number',
    ],
    [{ env: {}, file: { http: { port: true } } }, 'config file "http.port": must be a port number'],
    [
      { env: { REVENGE_TRUSTED_PROXIES: "10.0.0.0/8,nope" } },
      'REVENGE_TRUSTED_PROXIES: item "nope" must be an IP address or CIDR',
    ],
    [{ env: {}, file: { http: { trustedProxies: "10.0.0.0/33" } } }, 'item "10.0.0.0/33"'],
    [
      { env: { REVENGE_OPEN_REGISTRATION: "maybe" } },
      "REVENGE_OPEN_REGISTRATION: must be true or false",
    ],
    [
      { env: { REVENGE_SESSION_IDLE_SEC: "7 days" } },
      "REVENGE_SESSION_IDLE_SEC: must be a duration of at least 60 s",
    ],
    [{ env: { REVENGE_SESSION_IDLE_SEC: "10" } }, "at least 60 s"],
    [
      { env: { DATABASE_URL: "mysql://x" } },
      "DATABASE_URL: must be a URL starting with postgres://",
    ],
    [
      { env: { REVENGE_JOB_CONCURRENCY: "scans=2" } },
      "REVENGE_JOB_CONCURRENCY: must be queue=number pairs",
    ],
    [
      { env: { REVENGE_JOB_WORKERS: "65" } },
      "REVENGE_JOB_WORKERS: must be an integer from 0 to 64",
    ],
    [
      { env: { REVENGE_LOG_LEVEL: "loud" } },
      "REVENGE_LOG_LEVEL: must be one of debug, info, warn, error, silent",
    ],
    [{ env: {}, file: { prot: 1 } }, 'config file: unknown key "prot"'],
    [{ env: {}, file: { http: { prot: 1 } } }, 'config file: unknown key "http.prot"'],
  ];
  for (const [options, message] of cases) {
    const e = assertThrows(() => load(options), ConfigError);
    assert(e.message.includes(message), `${JSON.stringify(options)}: ${e.message}`);
    assert(!e.message.includes("\n"), "one line");
  }
});

Deno.test("value schemas accept file and environment forms alike", () => {
  const s = defineSection("t", "test", {
    n: { env: "T_N", schema: integer(1, 10), default: 5, doc: "" },
    b: { env: "T_B", schema: bool(), default: false, doc: "" },
    l: { env: "T_L", schema: list(text()), default: [], doc: "" },
    d: { env: "T_D", schema: duration("ms"), default: "1h30m", doc: "" },
  });
  const c = loadConfig([s], { env: {}, file: {} });
  assertEquals(c.t, { n: 5, b: false, l: [], d: 5_400_000 });
  const e = loadConfig([s], {
    env: { T_N: "7", T_B: "1", T_L: "a, b,,c", T_D: "500ms" },
    file: {},
  });
  assertEquals(e.t, { n: 7, b: true, l: ["a", "b", "c"], d: 500 });
  const f = loadConfig([s], { env: {}, file: { t: { n: 8, b: true, l: ["x"], d: 250 } } });
  assertEquals(f.t, { n: 8, b: true, l: ["x"], d: 250 });
});

Deno.test("docs/configuration.md is the generated reference (run `deno task config-docs`)", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/configuration.md", import.meta.url));
  assertEquals(doc, renderConfigDocs(SECTIONS));
});
