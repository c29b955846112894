/**
 * Libraries for administrators (create, change, delete, scan, problems) and
 * for everyone the libraries they may see. Every change is audited in the
 * transaction that makes it. A folder must be an absolute path to a readable
 * directory, and belongs to one library only (two libraries over one folder
 * would index every film twice).
 */
import { isAbsolute, normalize } from "node:path";
import type { Sql } from "../db/client.ts";
import { createLibraryProblemRepo } from "../db/library_problem_repo.ts";
import { createLibraryRepo, type NewLibrary } from "../db/library_repo.ts";
import { createLibraryScanRepo } from "../db/library_scan_repo.ts";
import type { AuditContext, Page, PageQuery } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { ConflictError, NotFoundError, ValidationError } from "../model/errors.ts";
import {
  type Library,
  type LibraryDetail,
  type LibraryProblem,
  NEVER_SCANNED,
  type ScanStatus,
} from "../model/library.ts";
import type { Principal } from "../model/permissions.ts";
import type { AuditService } from "../auth/audit_service.ts";
import { requestScan, type ScanRequestResult } from "./scan_requests.ts";

/** Which libraries a user may see: all, or these. */
export type LibraryAccess = "all" | ReadonlySet<string>;

/** What a library is created with. */
export interface LibraryInput {
  name: string;
  paths: string[];
  language?: string;
  watch?: boolean;
  scanIntervalMinutes?: number;
}

/** The library service. */
export interface LibraryService {
  list(access: LibraryAccess): Promise<LibraryDetail[]>;
  /** 404 for a library the user may not see, exactly as for one that does not exist. */
  get(access: LibraryAccess, id: string): Promise<LibraryDetail>;
  create(principal: Principal, input: LibraryInput, ctx: AuditContext): Promise<LibraryDetail>;
  update(
    principal: Principal,
    id: string,
    patch: Partial<LibraryInput>,
    ctx: AuditContext,
  ): Promise<LibraryDetail>;
  delete(principal: Principal, id: string, ctx: AuditContext): Promise<void>;
  /** Requests a scan of the library, or of `paths` inside its folders. */
  scan(
    principal: Principal,
    id: string,
    paths: string[] | null,
    ctx: AuditContext,
  ): Promise<ScanRequestResult>;
  scans(id: string, page: PageQuery): Promise<Page<ScanStatus>>;
  problems(id: string, page: PageQuery): Promise<Page<LibraryProblem>>;
  clearProblems(principal: Principal, id: string, ctx: AuditContext): Promise<number>;
  /** Called after every change to libraries on this instance (file watching follows). */
  onChange(listener: () => void): void;
}

/** Dependencies of {@linkcode createLibraryService}. */
export interface LibraryServiceDeps {
  sql: Sql;
  clock: Clock;
  audit: AuditService;
}

/** A folder as stored: absolute, normalised, without a trailing slash. */
export function normaliseFolder(path: string): string {
  if (!isAbsolute(path)) throw new ValidationError(`Folder ${path} is not an absolute path.`);
  const n = normalize(path);
  return n.length > 1 ? n.replace(/\/+$/, "") : n;
}

async function checkFolder(path: string): Promise<void> {
  try {
    const st = await Deno.stat(path);
    if (!st.isDirectory) throw new ValidationError(`Folder ${path} is not a directory.`);
    // Readable: a listing can start.
    const it = Deno.readDir(path)[Symbol.asyncIterator]();
    await it.next();
    await it.return?.();
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    const why = e instanceof Deno.errors.NotFound
      ? "does not exist"
      : e instanceof Deno.errors.PermissionDenied
      ? "cannot be read by Revenge"
      : "cannot be read";
    throw new ValidationError(`Folder ${path} ${why}.`, {
      issues: [{ path: "body.paths", message: `${path} ${why}` }],
    });
  }
}

/** Creates the library service. */
export function createLibraryService(deps: LibraryServiceDeps): LibraryService {
  const { sql, clock, audit } = deps;
  const listeners: (() => void)[] = [];
  const changed = () => listeners.forEach((l) => l());

  async function details(libs: Library[]): Promise<LibraryDetail[]> {
    if (!libs.length) return [];
    const ids = libs.map((l) => l.id);
    const [counts, scans] = await Promise.all([
      createLibraryRepo(sql).counts(ids),
      createLibraryScanRepo(sql).latest(ids),
    ]);
    return libs.map((l) => {
      const row = scans.get(l.id);
      // The row is the status plus what only the scanner needs.
      const scan: ScanStatus = row
        ? (({ libraryId: _l, walkDone: _w, ...status }) => status)(row)
        : NEVER_SCANNED;
      return {
        ...l,
        ...(counts.get(l.id) ?? { movieCount: 0, fileCount: 0, problemCount: 0 }),
        scan,
      };
    });
  }

  async function one(id: string): Promise<LibraryDetail> {
    const lib = await createLibraryRepo(sql).get(id);
    if (!lib) throw new NotFoundError("Library not found.");
    return (await details([lib]))[0];
  }

  async function folders(paths: string[], exceptLibrary?: string): Promise<string[]> {
    const out = [...new Set(paths.map(normaliseFolder))];
    for (const p of out) {
      if (out.some((o) => o !== p && p.startsWith(o === "/" ? "/" : o + "/"))) {
        throw new ValidationError(`Folder ${p} lies inside another folder of this library.`);
      }
    }
    for (const p of out) await checkFolder(p);
    const repo = createLibraryRepo(sql);
    for (const p of out) {
      const other = await repo.folderOverlapping(p, exceptLibrary);
      if (other) {
        throw new ConflictError(
          `Folder ${p} overlaps ${other.path} of the library "${other.name}".`,
        );
      }
    }
    return out;
  }

  function uniqueName(e: unknown): never {
    if ((e as { code?: string }).code === "23505") {
      throw new ConflictError("Another library has this name or one of these folders.");
    }
    throw e;
  }

  return {
    async list(access) {
      const libs = await createLibraryRepo(sql).list(access === "all" ? undefined : [...access]);
      return details(libs);
    },

    get(access, id) {
      if (access !== "all" && !access.has(id)) throw new NotFoundError("Library not found.");
      return one(id);
    },

    async create(_principal, input, ctx) {
      const lib: NewLibrary = {
        name: input.name.trim(),
        paths: await folders(input.paths),
        language: input.language ?? "en",
        watch: input.watch ?? true,
        scanIntervalMinutes: input.scanIntervalMinutes ?? 360,
      };
      if (await createLibraryRepo(sql).nameTaken(lib.name)) {
        throw new ConflictError(`A library named "${lib.name}" exists already.`);
      }
      const id = await sql.begin(async (tx) => {
        const id = await createLibraryRepo(tx).insert(lib, clock.now());
        await audit.record(tx, ctx, {
          action: "library.created",
          targetType: "library",
          targetId: id,
          details: { name: lib.name, paths: lib.paths },
        });
        return id;
      }).catch(uniqueName);
      await requestScan(sql, { libraryId: id, paths: null, reason: "created", now: clock.now() });
      changed();
      return one(id);
    },

    async update(_principal, id, patch, ctx) {
      const current = await createLibraryRepo(sql).get(id);
      if (!current) throw new NotFoundError("Library not found.");
      const next: NewLibrary = {
        name: patch.name?.trim() ?? current.name,
        paths: patch.paths ? await folders(patch.paths, id) : current.paths,
        language: patch.language ?? current.language,
        watch: patch.watch ?? current.watch,
        scanIntervalMinutes: patch.scanIntervalMinutes ?? current.scanIntervalMinutes,
      };
      if (await createLibraryRepo(sql).nameTaken(next.name, id)) {
        throw new ConflictError(`A library named "${next.name}" exists already.`);
      }
      const foldersChanged = next.paths.join("\n") !== current.paths.join("\n");
      await sql.begin(async (tx) => {
        if (!await createLibraryRepo(tx).lock(id)) throw new NotFoundError("Library not found.");
        await createLibraryRepo(tx).update(id, next, clock.now());
        await audit.record(tx, ctx, {
          action: "library.updated",
          targetType: "library",
          targetId: id,
          details: {
            before: { ...current, createdAt: undefined, updatedAt: undefined },
            after: next,
          },
        });
      }).catch(uniqueName);
      // New folders are scanned; films of removed ones go through the missing phase.
      if (foldersChanged) {
        await requestScan(sql, { libraryId: id, paths: null, reason: "updated", now: clock.now() });
      }
      changed();
      return one(id);
    },

    async delete(_principal, id, ctx) {
      await sql.begin(async (tx) => {
        const lib = await createLibraryRepo(tx).get(id);
        if (!lib) throw new NotFoundError("Library not found.");
        await createLibraryRepo(tx).delete(id);
        await audit.record(tx, ctx, {
          action: "library.deleted",
          targetType: "library",
          targetId: id,
          details: { name: lib.name, paths: lib.paths },
        });
      });
      changed();
    },

    async scan(_principal, id, paths, ctx) {
      const lib = await createLibraryRepo(sql).get(id);
      if (!lib) throw new NotFoundError("Library not found.");
      const scoped = paths && [...new Set(paths.map(normaliseFolder))];
      for (const p of scoped ?? []) {
        if (!lib.paths.some((r) => p === r || p.startsWith(r === "/" ? "/" : r + "/"))) {
          throw new ValidationError(`${p} is not inside a folder of this library.`, {
            issues: [{
              path: "body.paths",
              message: `${p} is not inside a folder of this library`,
            }],
          });
        }
      }
      const result = await requestScan(sql, {
        libraryId: id,
        paths: scoped?.length ? scoped : null,
        reason: "manual",
        now: clock.now(),
      });
      await audit.record(sql, ctx, {
        action: "library.scan.requested",
        targetType: "library",
        targetId: id,
        details: { scanId: result.scanId, paths: scoped ?? null, merged: result.merged },
      });
      return result;
    },

    async scans(id, page) {
      await one(id);
      const [items, total] = await createLibraryScanRepo(sql).history(id, page.limit, page.offset);
      return { items, total, ...page };
    },

    async problems(id, page) {
      await one(id);
      const [items, total] = await createLibraryProblemRepo(sql).list(id, page.limit, page.offset);
      return { items, total, ...page };
    },

    async clearProblems(_principal, id, ctx) {
      await one(id);
      return await sql.begin(async (tx) => {
        const n = await createLibraryProblemRepo(tx).clear(id);
        await audit.record(tx, ctx, {
          action: "library.problems.cleared",
          targetType: "library",
          targetId: id,
          details: { cleared: n },
        });
        return n;
      });
    },

    onChange(listener) {
      listeners.push(listener);
    },
  };
}
