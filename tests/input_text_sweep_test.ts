/**
 * Text no store can hold (a NUL byte, a lone UTF-16 surrogate), sent in every
 * string field of every JSON body, every query parameter and every path
 * parameter of every operation in the OpenAPI document, as an administrator
 * (so nothing but the input is refused): always a 400 that names the field,
 * never a 500. A refused login is audited like any failed login.
 */
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { call, operations, setupAdmin } from "./auth_helpers.ts";
import { rawRequest } from "./traversal.ts";

// deno-lint-ignore no-explicit-any
type Schema = any;

const NUL = "ab\u0000cd";
const SURROGATE = "ab\ud800cd";

function deref(doc: Schema, s: Schema): Schema {
  while (s?.$ref) s = doc.components.schemas[s.$ref.split("/").pop()];
  return s ?? {};
}

/** A value the schema accepts, with every optional field present and arrays of one item. */
function sample(doc: Schema, s: Schema): unknown {
  s = deref(doc, s);
  const alt = s.anyOf ?? s.oneOf;
  if (alt) return sample(doc, alt.find((x: Schema) => deref(doc, x).type !== "null") ?? alt[0]);
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  switch (type) {
    case "string":
      if (s.format === "uuid") return crypto.randomUUID();
      if (s.format === "email") return "sweep@example.com";
      if (s.format === "date-time") return new Date(Date.now() + 86_400_000).toISOString();
      return "x".repeat(Math.max(s.minLength ?? 1, 8)).slice(0, s.maxLength ?? 64);
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return false;
    case "array":
      return [sample(doc, s.items)];
    case "object":
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(doc, v)]),
      );
    default:
      return null;
  }
}

/** Paths (as key lists) of every string in a sampled value. */
function stringPaths(v: unknown, at: string[] = []): string[][] {
  if (typeof v === "string") return [at];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringPaths(x, [...at, String(i)]));
  if (v && typeof v === "object") {
    return Object.entries(v).flatMap(([k, x]) => stringPaths(x, [...at, k]));
  }
  return [];
}

function withValue(v: unknown, path: string[], value: string): unknown {
  if (!path.length) return value;
  const copy = structuredClone(v) as Record<string, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[path[path.length - 1]] = value;
  return copy;
}

function namesField(body: { errors?: { path: string }[] }, field: string): boolean {
  return (body?.errors ?? []).some((e) => e.path === field);
}

dbTest("defaultValidationHook answers 400 naming the field for NUL, lone surrogates", async () => {
  const app = await startTestApp({ env: { REVENGE_API_RATE_LIMIT: "100000" } });
  try {
    const admin = await setupAdmin(app);
    const doc = await (await app.fetch("/api/openapi.json")).json();
    const failures: string[] = [];
    let sent = 0;
    for (const { method, template, op } of await operations(app)) {
      const params: Schema[] = op.parameters ?? [];
      const fillPath = (bad?: { name: string; value: string }) =>
        template.replace(
          /\{(\w+)\}/g,
          (_, n) =>
            bad?.name === n
              ? encodeURIComponent(bad!.value)
              : String(sample(doc, params.find((p) => p.name === n)?.schema ?? { type: "string" })),
        );
      const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
      const body = bodySchema ? sample(doc, bodySchema) : undefined;
      const check = (what: string, status: number, res: Schema, field: string) => {
        sent++;
        if (status !== 400 || !namesField(res, field)) {
          failures.push(
            `${method} ${template} ${what}: ${status} ${JSON.stringify(res).slice(0, 200)}`,
          );
        }
      };

      for (const path of body === undefined ? [] : stringPaths(body)) {
        for (const value of [NUL, SURROGATE]) {
          const r = await call(app, method, fillPath(), {
            token: admin.token,
            body: withValue(body, path, value),
          });
          check(
            `body.${path.join(".")}=${JSON.stringify(value)}`,
            r.status,
            r.body,
            ["body", ...path].join("."),
          );
        }
      }
      for (const p of params.filter((p) => p.in === "query")) {
        // %00 is a NUL; %ED%A0%80 is how a lone surrogate comes percent-encoded (WTF-8).
        for (const raw of ["ab%00cd", "ab%ED%A0%80cd"]) {
          const r = await rawRequest(app.url, {
            method,
            target: `${fillPath()}?${p.name}=${raw}`,
            headers: { authorization: `Bearer ${admin.token}` },
          });
          check(
            `query ${p.name}=${raw}`,
            r.status,
            JSON.parse(r.body || "null"),
            `query.${p.name}`,
          );
        }
      }
      for (const p of params.filter((p) => p.in === "path")) {
        const r = await call(app, method, fillPath({ name: p.name, value: NUL }), {
          token: admin.token,
          body,
        });
        check(`path ${p.name}`, r.status, r.body, `param.${p.name}`);
      }
    }
    assert(sent > 60, `only ${sent} requests: the sweep found too few fields`);
    assertEquals(failures, []);

    // The refused login is in the audit log like other failed logins.
    const audit = await call(app, "GET", "/api/v1/admin/audit?action=auth.login.failed", {
      token: admin.token,
    });
    const refused = audit.body.items.filter((e: { details: { reason: string } }) =>
      e.details.reason.startsWith("invalid input: body.username")
    );
    assert(refused.length >= 2, JSON.stringify(audit.body.items.slice(0, 3)));
    assert(
      refused.some((e: { details: { username: string } }) => e.details.username === "ab\uFFFDcd"),
    );
  } finally {
    await app.close();
  }
});
