/**
 * Helpers for the accounts tests: a movable clock, first-run setup, users
 * made through the admin API, and small HTTP helpers that speak as a Bearer
 * client or as a browser with the session cookie.
 */
import { waitFor } from "./wait_for.ts";
import type { Clock } from "../lib/model/clock.ts";
import { assertEquals } from "./assert.ts";
import type { TestApp } from "./harness.ts";

/** A clock that stands still until moved. */
export interface TestClock extends Clock {
  advance(ms: number): void;
}

/** Creates a clock at `start`. */
export function createTestClock(start = Date.parse("2030-01-01T00:00:00Z")): TestClock {
  let t = start;
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

/** Passwords used by the tests (not on the common-password list). */
export const ADMIN_PASSWORD = "correct horse battery staple";
export const USER_PASSWORD = "tr0ub4dor & three";

/** Body and status of a response, read once. */
export interface Reply {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body };
}

/** Calls the app with JSON and an optional Bearer token. */
export async function call(
  app: TestApp,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  return reply(
    await app.fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }),
  );
}

/** Runs first-run setup; returns the admin's token and id. */
export async function setupAdmin(app: TestApp, username = "admin") {
  const r = await call(app, "POST", "/api/v1/setup", {
    body: { username, password: ADMIN_PASSWORD },
  });
  assertEquals(r.status, 201, JSON.stringify(r.body));
  return { token: r.body.accessToken as string, id: r.body.user.id as string };
}

/** Creates a user through the admin API and logs them in. */
export async function createUser(
  app: TestApp,
  adminToken: string,
  username: string,
  roles: string[] = ["user"],
) {
  const r = await call(app, "POST", "/api/v1/admin/users", {
    token: adminToken,
    body: { username, password: USER_PASSWORD, roles },
  });
  assertEquals(r.status, 201, JSON.stringify(r.body));
  const token = await login(app, username, USER_PASSWORD);
  return { id: r.body.id as string, token };
}

/** Logs in; returns the access token. */
export async function login(app: TestApp, username: string, password: string): Promise<string> {
  const r = await call(app, "POST", "/api/v1/auth/login", { body: { username, password } });
  assertEquals(r.status, 200, JSON.stringify(r.body));
  return r.body.accessToken;
}

/** The value of cookie `name` in a response's Set-Cookie headers, with its attributes. */
export function setCookie(res: { headers: Headers }, name: string) {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    if (pair.slice(0, eq) === name) {
      return { value: pair.slice(eq + 1), attrs: attrs.map((a) => a.toLowerCase()) };
    }
  }
  return undefined;
}

/** One operation of the document. */
export interface Operation {
  method: string;
  /** OpenAPI path with `{params}`. */
  template: string;
  // deno-lint-ignore no-explicit-any
  op: any;
}

/** Every operation of the app's OpenAPI document. */
export async function operations(app: TestApp): Promise<Operation[]> {
  const doc = await (await app.fetch("/api/openapi.json")).json();
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, unknown>)) {
      out.push({ method: method.toUpperCase(), template, op });
    }
  }
  return out;
}

/** Fills path parameters. */
export function fill(template: string, values: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? crypto.randomUUID());
}

/**
 * Runs a periodic schedule's job now through the admin API and waits (with a
 * deadline) until it has succeeded; returns the job.
 */
export async function runSchedule(app: TestApp, token: string, name: string, timeoutMs = 20_000) {
  const run = await call(app, "POST", `/api/v1/admin/jobs/schedules/${name}/run`, { token });
  assertEquals(run.status, 201, JSON.stringify(run.body));
  let job = run.body;
  await waitFor(async () => {
    job = (await call(app, "GET", `/api/v1/admin/jobs/${run.body.id}`, { token })).body;
    return ["succeeded", "dead", "cancelled"].includes(job.state);
  }, { message: () => `job ${name} to finish (${JSON.stringify(job)})`, timeoutMs });
  assertEquals(job.state, "succeeded", JSON.stringify(job));
  return job;
}
