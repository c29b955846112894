/** Libraries for tests: rows for tests below the API, and libraries made through it. */
import type { Sql } from "../lib/db/client.ts";
import type { TestApp } from "./harness.ts";
import { call } from "./auth_helpers.ts";
import { waitFor } from "./wait_for.ts";

/** Inserts a library row (no folder, no scan): for tests that only need one to exist. */
export async function insertLibrary(
  sql: Sql,
  name = `lib-${crypto.randomUUID()}`,
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into libraries (name, watch, scan_interval_minutes) values (${name}, false, 0)
    returning id`;
  return row.id;
}

/** Creates a library through the API over `paths` (default: a new empty temp folder). */
export async function createLibrary(
  app: TestApp,
  token: string,
  body: { name?: string; paths?: string[]; watch?: boolean } = {},
): Promise<{ id: string; paths: string[] }> {
  const paths = body.paths ?? [await Deno.makeTempDir({ prefix: "revenge-lib-" })];
  const res = await call(app, "POST", "/api/v1/libraries", {
    token,
    body: {
      name: body.name ?? `Films ${crypto.randomUUID().slice(0, 8)}`,
      paths,
      watch: body.watch ?? false,
    },
  });
  if (res.status !== 201) {
    throw new Error(`library not created: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { id: res.body.id, paths };
}

/** Waits until the library's latest scan is idle; answers the library. */
export async function scanIdle(
  app: TestApp,
  token: string,
  id: string,
  timeoutMs = 60_000,
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  // deno-lint-ignore no-explicit-any
  let lib: any;
  await waitFor(async () => {
    lib = (await call(app, "GET", `/api/v1/libraries/${id}`, { token })).body;
    return lib?.scan?.state === "idle" && lib.scan.id !== null;
  }, { message: `scan of ${id} to finish`, timeoutMs });
  return lib;
}

/** Requests a scan and waits for it (and for any scan already running) to end. */
export async function scanNow(
  app: TestApp,
  token: string,
  id: string,
  paths?: string[],
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  const res = await call(app, "POST", `/api/v1/libraries/${id}/scan`, {
    token,
    body: paths ? { paths } : {},
  });
  if (res.status !== 202) {
    throw new Error(`scan refused: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const scanId = res.body.scanId;
  // deno-lint-ignore no-explicit-any
  let lib: any;
  await waitFor(async () => {
    lib = (await call(app, "GET", `/api/v1/libraries/${id}`, { token })).body;
    return lib?.scan?.id === scanId && lib.scan.state === "idle";
  }, { message: `scan ${scanId} of ${id} to finish`, timeoutMs: 60_000 });
  return lib;
}
