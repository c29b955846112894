/**
 * Layering from HOUSE_STYLE.md, checked on every import line: routes and
 * workers → domain services → db, media, jobs → model. Rules nothing checks
 * erode, so this test fails on the first import that breaks one.
 */
import { existsSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { assertEquals } from "./assert.ts";

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), ".."));

/** One layering rule: files under `from` must not import anything `forbidden` matches. */
interface Rule {
  from: RegExp;
  forbidden: RegExp;
  why: string;
}

const RULES: Rule[] = [
  {
    from: /^lib\/model\//,
    forbidden: /^(?!lib\/model\/)/,
    why: "lib/model holds pure domain types: it imports only lib/model",
  },
  {
    from: /^lib\//,
    forbidden: /^(routes|islands|workers|tests|bench|scripts)\/|^main\.ts$/,
    why: "lib/ never imports the layers above it",
  },
  {
    from: /^lib\/(db|media|jobs)\//,
    forbidden:
      /^lib\/(http|ui|auth|library|metadata|movies|search|playback|integrations|notifications)\//,
    why: "db, media and jobs sit below the domain services and HTTP",
  },
  {
    from: /^lib\/(?!http\/|ui\/)[a-z_]+\//,
    forbidden: /^lib\/(http|ui)\/|^npm:hono|^hono|^@hono\//,
    why: "services know nothing of HTTP: map errors in lib/http/problem.ts",
  },
  {
    from: /^lib\/ui\//,
    forbidden: /^lib\/(?!ui\/|model\/)/,
    why: "lib/ui renders; it imports only preact and lib/model",
  },
  {
    from: /^(routes|lib\/http)\//,
    forbidden: /^lib\/db\/.*_repo\.ts$|^lib\/media\/|^postgres$/,
    why: "handlers are thin: SQL and subprocesses stay behind services",
  },
  {
    from: /^routes\//,
    forbidden: /^lib\/db\//,
    why: "routes reach the database only through services",
  },
  {
    from: /^islands\//,
    forbidden: /^(?!islands\/|lib\/ui\/|lib\/model\/|preact|@preact\/)/,
    why: "islands run in the browser: preact, lib/ui and lib/model only",
  },
];

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Lists the import specifiers of a source text. */
export function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Normalises a specifier to a repo-relative path, or the bare package name. */
function resolveSpecifier(file: string, spec: string): string {
  if (spec.startsWith(".")) return relative(ROOT, normalize(join(ROOT, dirname(file), spec)));
  return spec.replace(/^npm:\/?/, "").replace(/@[\d.]+.*$/, "");
}

/** Returns the violations in one file's imports. */
export function violations(file: string, source: string): string[] {
  if (/_test\.tsx?$/.test(file) || file.startsWith("tests/") || file.startsWith("bench/")) {
    return [];
  }
  const out: string[] = [];
  for (const spec of importsOf(source)) {
    const target = resolveSpecifier(file, spec);
    for (const rule of RULES) {
      if (rule.from.test(file) && rule.forbidden.test(target)) {
        out.push(`${file} imports ${spec}: ${rule.why}`);
      }
    }
  }
  if (file.startsWith("islands/") && /\bDeno\./.test(source)) {
    out.push(`${file} uses Deno.*: islands run in the browser`);
  }
  return out;
}

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(join(ROOT, dir))) {
    const rel = join(dir, e.name);
    if (e.isDirectory && !e.name.startsWith(".") && !e.name.startsWith("_")) {
      yield* sourceFiles(rel);
    } else if (e.isFile && /\.tsx?$/.test(e.name)) yield rel;
  }
}

Deno.test("violations finds no import against the layering of HOUSE_STYLE.md", async () => {
  const found: string[] = [];
  for (const dir of ["lib", "routes", "islands", "workers"]) {
    // A fresh checkout has no empty folders (git does not keep them).
    if (!existsSync(join(ROOT, dir))) continue;
    for await (const file of sourceFiles(dir)) {
      found.push(...violations(file, await Deno.readTextFile(join(ROOT, file))));
    }
  }
  assertEquals(found, []);
});

Deno.test("violations catches an import against the layering", () => {
  assertEquals(
    violations("routes/api/x.ts", `import { q } from "../../lib/db/movie_repo.ts";`).length,
    2,
  );
  assertEquals(violations("lib/model/x.ts", `import postgres from "postgres";`).length, 1);
  assertEquals(violations("lib/auth/x.ts", `import { Hono } from "hono";`).length, 1);
  assertEquals(
    violations("islands/X.tsx", `import "../lib/db/client.ts";\nDeno.readFile("x")`).length,
    2,
  );
  assertEquals(violations("lib/auth/x.ts", `import type { Sql } from "../db/client.ts";`), []);
});
