/**
 * `/api/v1/libraries`: libraries of films. Everyone with `libraries:read`
 * lists and opens the libraries they are granted (folders shown only to
 * those who manage libraries); administrators (`libraries:manage`) create,
 * change, delete and scan them, and read the scans and the problems scans
 * found. A library one may not see answers 404, as one that does not exist.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditContext } from "../../lib/http/audit_context.ts";
import { createRouter } from "../../lib/http/router.ts";
import type { AppEnv } from "../../lib/http/types.ts";
import type { LibraryDetail, LibraryProblem, ScanStatus } from "../../lib/model/library.ts";
import { hasPermission } from "../../lib/model/permissions.ts";
import { errors, json, jsonBody, needs, pageOf, Paging } from "./_schemas.ts";

const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
const Folder = z.string().min(1).max(4096).regex(/^\//, "must be an absolute path")
  .describe("An absolute folder path on the server");
const Name = z.string().trim().min(1).max(200);
const Language = z.string().regex(
  /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/,
  "a language tag like en or pt-BR",
)
  .describe("Language for metadata (BCP 47)");
const Interval = z.number().int().min(0).max(525600)
  .describe("Minutes between periodic full scans; 0: none");

const NewLibrary = z.object({
  name: Name,
  paths: z.array(Folder).min(1).max(50),
  language: Language.optional(),
  watch: z.boolean().optional().describe("Scan changes as they happen (default true)"),
  scanIntervalMinutes: Interval.optional().describe("Default 360"),
}).strict().openapi("NewLibrary");
const LibraryPatch = z.object({
  name: Name.optional(),
  paths: z.array(Folder).min(1).max(50).optional(),
  language: Language.optional(),
  watch: z.boolean().optional(),
  scanIntervalMinutes: Interval.optional(),
}).strict().openapi("LibraryPatch");
const ScanRequest = z.object({
  paths: z.array(Folder).max(1000).optional()
    .describe("Only these files or folders (inside the library's folders); default all"),
}).strict().openapi("ScanRequest");

const Scan = z.object({
  id: z.string().nullable(),
  state: z.enum(["queued", "running", "idle"]).describe("idle once the scan finished"),
  phase: z.enum(["walk", "link", "probe", "missing", "done"]),
  reason: z.string().nullable(),
  paths: z.array(z.string()).nullable().describe("Null: the whole library"),
  seen: z.number().int().describe("Films seen by the walk"),
  added: z.number().int(),
  changed: z.number().int(),
  moved: z.number().int().describe("Renamed or moved files (their history is kept)"),
  toProbe: z.number().int().describe("Files given to ffprobe"),
  probed: z.number().int(),
  failed: z.number().int().describe("Files ffprobe could not read (see problems)"),
  missing: z.number().int().describe("Files newly marked missing"),
  removed: z.number().int().describe("Files removed after the grace period"),
  outcome: z.enum(["done", "failed", "cancelled"]).nullable(),
  messages: z.array(z.object({ level: z.enum(["info", "warning"]), text: z.string() })),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
}).openapi("LibraryScan");
const Library = z.object({
  id: z.string(),
  name: z.string(),
  paths: z.array(z.string()).describe("Folders; empty for those who do not manage libraries"),
  language: z.string(),
  watch: z.boolean(),
  scanIntervalMinutes: z.number().int(),
  movieCount: z.number().int(),
  fileCount: z.number().int(),
  problemCount: z.number().int(),
  scan: Scan,
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi("Library");
const Problem = z.object({
  path: z.string(),
  kind: z.enum(["walk", "empty", "probe"]),
  reason: z.string(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
}).openapi("LibraryProblem");

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** JSON view of a scan. */
export function scanView(s: ScanStatus) {
  return { ...s, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) };
}

/** JSON view of a library (its folders and problem count only for a manager). */
export function libraryView(l: LibraryDetail, manager: boolean) {
  return {
    id: l.id,
    name: l.name,
    paths: manager ? l.paths : [],
    language: l.language,
    watch: l.watch,
    scanIntervalMinutes: l.scanIntervalMinutes,
    movieCount: l.movieCount,
    fileCount: l.fileCount,
    problemCount: manager ? l.problemCount : 0,
    scan: scanView(l.scan),
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}

function problemView(p: LibraryProblem) {
  return { ...p, firstSeenAt: p.firstSeenAt.toISOString(), lastSeenAt: p.lastSeenAt.toISOString() };
}

function isManager(c: Context<AppEnv>): boolean {
  return hasPermission(c.var.principal!.permissions, "libraries:manage");
}

function access(c: Context<AppEnv>) {
  return c.var.services.auth.authenticator.libraryAccess(c.var.principal!.userId);
}

/** Routes of `/api/v1/libraries`. */
export const libraries = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["libraries"],
      summary: "The libraries one may see, with counts and the state of their latest scan",
      ...needs("libraries:read"),
      responses: {
        200: json("libraries", z.object({ items: z.array(Library), total: z.number().int() })),
        ...errors(401, 403),
      },
    }),
    async (c) => {
      const items = await c.var.services.library.list(await access(c));
      const manager = isManager(c);
      return c.json({ items: items.map((l) => libraryView(l, manager)), total: items.length }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["libraries"],
      summary: "Create a library; its first scan starts at once",
      description:
        "Each folder must be an absolute path to a directory Revenge can read, and in no other " +
        "library (409).",
      ...needs("libraries:manage"),
      request: { body: jsonBody(NewLibrary) },
      responses: {
        201: json("created", Library),
        ...errors(400, 401, 403, 409, 415),
      },
    }),
    async (c) => {
      const lib = await c.var.services.library.create(
        c.var.principal!,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json(libraryView(lib, true), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["libraries"],
      summary: "A library, with the progress of its scan",
      ...needs("libraries:read"),
      request: { params: IdParam },
      responses: { 200: json("the library", Library), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const lib = await c.var.services.library.get(await access(c), c.req.valid("param").id);
      return c.json(libraryView(lib, isManager(c)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags: ["libraries"],
      summary: "Change a library",
      description: "Changed folders start a scan: films only in removed folders go missing " +
        "(removed after the grace period), films moved between folders keep their history.",
      ...needs("libraries:manage"),
      request: { params: IdParam, body: jsonBody(LibraryPatch) },
      responses: { 200: json("the library", Library), ...errors(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => {
      const lib = await c.var.services.library.update(
        c.var.principal!,
        c.req.valid("param").id,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json(libraryView(lib, true), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["libraries"],
      summary: "Delete a library and everything indexed in it (the files stay on disk)",
      ...needs("libraries:manage"),
      request: { params: IdParam },
      responses: { 204: { description: "deleted" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      await c.var.services.library.delete(
        c.var.principal!,
        c.req.valid("param").id,
        auditContext(c),
      );
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/scan",
      tags: ["libraries"],
      summary: "Scan the library (or some paths in it)",
      description:
        "Answers at once; follow `scan` on GET /api/v1/libraries/{id}. A request while a scan " +
        "waits joins that scan.",
      ...needs("libraries:manage"),
      request: {
        params: IdParam,
        body: { required: false, content: { "application/json": { schema: ScanRequest } } },
      },
      responses: {
        202: json(
          "scan requested",
          z.object({ scanId: z.string(), merged: z.boolean() }).openapi("ScanRequested"),
        ),
        ...errors(400, 401, 403, 404, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid("json") as z.infer<typeof ScanRequest> | undefined;
      const r = await c.var.services.library.scan(
        c.var.principal!,
        c.req.valid("param").id,
        body?.paths ?? null,
        auditContext(c),
      );
      return c.json(r, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/scans",
      tags: ["libraries"],
      summary: "The library's scans, newest first",
      ...needs("libraries:manage"),
      request: { params: IdParam, query: Paging },
      responses: {
        200: json("scans", pageOf(Scan, "LibraryScanPage")),
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const page = await c.var.services.library.scans(
        c.req.valid("param").id,
        c.req.valid("query"),
      );
      return c.json({ ...page, items: page.items.map(scanView) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/problems",
      tags: ["libraries"],
      summary: "Files that could not be indexed, and why",
      ...needs("libraries:manage"),
      request: { params: IdParam, query: Paging },
      responses: {
        200: json("problems", pageOf(Problem, "LibraryProblemPage")),
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const page = await c.var.services.library.problems(
        c.req.valid("param").id,
        c.req.valid("query"),
      );
      return c.json({ ...page, items: page.items.map(problemView) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/problems",
      tags: ["libraries"],
      summary: "Forget the problems (the next scan finds those still there)",
      ...needs("libraries:manage"),
      request: { params: IdParam },
      responses: {
        200: json("how many went", z.object({ cleared: z.number().int() })),
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const cleared = await c.var.services.library.clearProblems(
        c.var.principal!,
        c.req.valid("param").id,
        auditContext(c),
      );
      return c.json({ cleared }, 200);
    },
  );
