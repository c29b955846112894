/**
 * The `library.scan` job: phases 1, 2 and 4 of one scan (README.md). The
 * walk is written in batches, each in its own short transaction fenced by
 * the job's lease, so the films of a new library are browseable while the
 * walk goes on, and a crashed scan starts again from the top without
 * doubling anything (what it wrote is then "unchanged"). The end of the
 * walk, the missing phase and the start of the next waiting scan commit
 * together with the job's success.
 */
import { dirname } from "node:path";
import type { Tx } from "../db/client.ts";
import { createLibraryIndexRepo } from "../db/library_index_repo.ts";
import { createLibraryProblemRepo, type NewProblem } from "../db/library_problem_repo.ts";
import { createLibraryRepo } from "../db/library_repo.ts";
import { createLibraryScanRepo } from "../db/library_scan_repo.ts";
import type { SectionValues } from "../config/config.ts";
import { JobCancelledError, LeaseLostError, ShutdownError } from "../jobs/job_errors.ts";
import type { PayloadOutput } from "../jobs/kinds.ts";
import type { JobContext, JobHandler, JobHandlerDeps } from "../jobs/types.ts";
import type { ScanMessage } from "../model/library.ts";
import { type FoundDir, isInside, walkFolder, type WalkReport } from "./1_walk.ts";
import { linkBatch, type LinkState } from "./2_link.ts";
import { markMissing } from "./4_missing.ts";
import type { libraryConfig } from "./config.ts";
import type { LibraryKinds } from "./kinds.ts";
import { enqueueScanJob } from "./scan_requests.ts";
import { announceScanDone } from "../notifications/library_events.ts";

type Settings = SectionValues<typeof libraryConfig>;
type ScanJob = JobContext<PayloadOutput<LibraryKinds, "library.scan">>;

/** Films per link transaction: large enough to be cheap, small enough to show up soon. */
const BATCH_FILES = 500;

/**
 * A library that grew by this many films (and by half) since the table
 * statistics were taken is analysed at once, while the walk goes on. With
 * statistics that still say "empty", PostgreSQL plans a new library's
 * listings as nested loops over it: `GET /api/v1/movies` took 300-500 ms
 * on a 1,000-file library during its first scan, instead of a few.
 * Autovacuum would analyse too, but only a minute or more later.
 */
const ANALYZE_MIN = 250;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Ends the scan for good and starts the next waiting one. */
async function endScan(
  tx: Tx,
  scan: { id: string; libraryId: string },
  outcome: "failed" | "cancelled",
  message: string,
) {
  // Serialised with requestScan, as at the end of a walk (see there).
  await createLibraryRepo(tx).lock(scan.libraryId);
  const scans = createLibraryScanRepo(tx);
  await scans.fail(scan.id, outcome, message, new Date());
  const next = await scans.queued(scan.libraryId);
  if (next) await enqueueScanJob(tx, next.id);
}

/** The handler of `library.scan`. */
export function scanHandler(deps: JobHandlerDeps<Settings>): JobHandler<ScanJob["payload"]> {
  return async (job) => {
    const scan = await createLibraryScanRepo(job.sql).get(job.payload.scanId);
    if (!scan || scan.state === "idle" || scan.walkDone) return job.complete();
    try {
      await runScan(job, scan, deps);
    } catch (e) {
      const reason = job.signal.reason;
      if (e instanceof LeaseLostError || reason instanceof LeaseLostError) throw e;
      if (reason instanceof ShutdownError) throw e;
      const cancelled = reason instanceof JobCancelledError || e instanceof JobCancelledError;
      if (cancelled || job.attempt >= job.maxAttempts) {
        await job.sql.begin((tx) =>
          endScan(
            tx,
            scan,
            cancelled ? "cancelled" : "failed",
            cancelled ? "The scan was cancelled." : `The scan failed: ${describe(e)}`,
          )
        );
      }
      throw e;
    }
  };
}

async function runScan(
  job: ScanJob,
  scan: { id: string; libraryId: string; paths: string[] | null },
  { settings, hooks }: JobHandlerDeps<Settings>,
): Promise<void> {
  const { id: scanId, libraryId, paths } = scan;
  const library = await createLibraryRepo(job.sql).get(libraryId);
  if (!library) return job.complete();
  const started = new Date();
  if (!await job.transaction((tx) => createLibraryScanRepo(tx).startWalk(scanId, started))) {
    return job.complete();
  }
  const messages: ScanMessage[] = [];
  const warn = (text: string) => messages.push({ level: "warning", text });

  // What to walk: every folder, or the requested paths inside them.
  const targets: { root: string; start: string }[] = [];
  for (const p of paths ?? library.paths) {
    const root = library.paths.find((r) => isInside(r, p));
    if (root) targets.push({ root, start: p });
    else warn(`${p} is not inside a folder of this library; it was not scanned.`);
  }
  const scopes = paths ? targets.map((t) => t.start) : null;
  const index = createLibraryIndexRepo(job.sql);
  const indexed = await index.files(libraryId, scopes);
  const byInode = new Map<string, typeof indexed>();
  for (const f of indexed) {
    if (f.inode === null) continue;
    const key = `${f.device}:${f.inode}`;
    const same = byInode.get(key);
    if (same) same.push(f);
    else byInode.set(key, [f]);
  }
  const state: LinkState = {
    libraryId,
    scanId,
    index: new Map(indexed.map((f) => [f.path, f])),
    byInode,
    subtitleIndex: await index.subtitles(libraryId, scopes),
    seen: new Set(),
    movedFrom: new Set(),
    hooks,
  };
  const report: WalkReport = { problems: [], unreadable: [] };
  const protect: string[] = [];
  const walked: string[] = [];
  const visited = new Set<string>();
  let batch: FoundDir[] = [];
  let batchFiles = 0;
  // Films added since the planner last saw this library's size (see ANALYZE_MIN).
  let known = state.index.size;
  let added = 0;
  // One link transaction runs while the walk goes on reading the next batch: the walk waits
  // on the file system, the link on the database, and neither needs the other's batch.
  let linking: Promise<{ error: unknown } | undefined> = Promise.resolve(undefined);
  const settle = async () => {
    const failed = await linking;
    linking = Promise.resolve(undefined);
    if (failed) throw failed.error;
  };
  const link = async (dirs: FoundDir[]) => {
    const counts = await job.transaction(async (tx) => {
      const counts = await linkBatch(tx, state, dirs, new Date());
      await createLibraryScanRepo(tx).addCounts(scanId, counts);
      return counts;
    });
    added += counts.added;
    if (added >= Math.max(ANALYZE_MIN, known / 2)) {
      await index.analyze();
      known += added;
      added = 0;
    }
  };
  const flush = async () => {
    await settle();
    if (!batch.length) return;
    const dirs = batch;
    batch = [];
    batchFiles = 0;
    // Caught here and thrown by the next settle(), so a failure is never unhandled.
    linking = link(dirs).then(() => undefined, (error) => ({ error }));
  };

  try {
    for (const target of targets) {
      let real: string;
      try {
        real = await Deno.realPath(target.root);
        if (!(await Deno.stat(real)).isDirectory) throw new Error("not a directory");
      } catch (e) {
        warn(
          `Folder ${target.root} is unreachable (${
            describe(e).replace(/ \(os error \d+\).*/s, "")
          }): nothing in it was marked missing.`,
        );
        protect.push(target.root);
        continue;
      }
      let start = target.start;
      try {
        if ((await Deno.stat(start)).isFile) start = dirname(start);
      } catch {
        // A requested path that is gone: what was indexed under it is missing (its root is reachable).
        walked.push(start);
        continue;
      }
      const before = state.seen.size;
      for await (
        const dir of walkFolder({ path: target.root, real }, start, report, visited, job.signal)
      ) {
        batch.push(dir);
        batchFiles += dir.videos.length + dir.subtitles.length;
        if (batchFiles >= BATCH_FILES) await flush();
      }
      await flush();
      await settle();
      const indexedHere = [...state.index.keys()].some((p) => isInside(start, p));
      if (start === target.root && state.seen.size === before && indexedHere) {
        warn(
          `Folder ${target.root} is empty although films were indexed in it (an unmounted share?): nothing in it was marked missing.`,
        );
        protect.push(target.root);
      } else walked.push(start);
    }
  } finally {
    // A walk that fails leaves no link transaction running behind the job's end.
    await linking;
  }
  protect.push(...report.unreadable);

  await job.complete(async (tx) => {
    const problems = createLibraryProblemRepo(tx);
    await problems.upsert(libraryId, dedupe(report.problems), new Date());
    await problems.sweep(libraryId, walked, started);
    const result = await markMissing(tx, state, {
      protect,
      walked,
      graceHours: settings.missingGraceHours,
      now: new Date(),
    });
    // The library's lock, as requestScan takes it: a request that saw this walk running and
    // queued a scan either committed before (its scan is found below) or waits and then sees
    // the walk done (it enqueues its own job). Without it a scan could stay queued for good.
    await createLibraryRepo(tx).lock(libraryId);
    const scans = createLibraryScanRepo(tx);
    await scans.endWalk(scanId, { ...result, messages });
    if (await scans.finishIfDone(scanId, new Date())) await announceScanDone(tx, scanId);
    const next = await scans.queued(libraryId);
    if (next) await enqueueScanJob(tx, next.id);
  });
}

function dedupe(problems: NewProblem[]): NewProblem[] {
  return [...new Map(problems.map((p) => [p.path, p])).values()];
}
