/**
 * SQL of `library_scans`: requesting, starting and finishing scans, and
 * their progress. Probe progress is counted from `movie_files.scan_id` while
 * a scan runs, and frozen into the row when it ends.
 */
import type { Queryable } from "./client.ts";
import { libraryScanDuration } from "../observability/metrics.ts";
import type { ScanMessage, ScanReason, ScanStatus } from "../model/library.ts";

interface Row {
  id: string;
  library_id: string;
  state: ScanStatus["state"];
  phase: ScanStatus["phase"];
  reason: ScanReason;
  paths: string[] | null;
  seen: number;
  added: number;
  changed: number;
  moved: number;
  to_probe: number;
  probed: number;
  failed: number;
  missing: number;
  removed: number;
  walk_done: boolean;
  outcome: ScanStatus["outcome"];
  messages: ScanMessage[];
  started_at: Date | null;
  finished_at: Date | null;
}

/** A scan row, as the scanner needs it. */
export interface ScanRow extends ScanStatus {
  id: string;
  libraryId: string;
  walkDone: boolean;
}

function toScan(r: Row): ScanRow {
  return {
    id: r.id,
    libraryId: r.library_id,
    state: r.state,
    phase: r.phase,
    reason: r.reason,
    paths: r.paths,
    seen: r.seen,
    added: r.added,
    changed: r.changed,
    moved: r.moved,
    toProbe: r.to_probe,
    probed: r.probed,
    failed: r.failed,
    missing: r.missing,
    removed: r.removed,
    walkDone: r.walk_done,
    outcome: r.outcome,
    messages: r.messages ?? [],
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Counters the walk raises. */
export interface WalkCounts {
  seen?: number;
  added?: number;
  changed?: number;
  moved?: number;
}

/** The scan repository on a pool or transaction. */
export function createLibraryScanRepo(q: Queryable) {
  // Live probe counts for a running scan, the frozen columns for a finished one.
  const COLUMNS = q`
    s.id::text as id, s.library_id, s.state, s.phase, s.reason, s.paths, s.seen, s.added,
    s.changed, s.moved, s.missing, s.removed, s.walk_done, s.outcome, s.messages,
    s.started_at, s.finished_at,
    case when s.state = 'idle' then s.to_probe
         else (select count(*)::int from movie_files f where f.scan_id = s.id) end as to_probe,
    case when s.state = 'idle' then s.probed
         else (select count(*)::int from movie_files f
               where f.scan_id = s.id and f.probe_state = 'ready') end as probed,
    case when s.state = 'idle' then s.failed
         else (select count(*)::int from movie_files f
               where f.scan_id = s.id and f.probe_state = 'failed') end as failed`;

  return {
    async get(id: string): Promise<ScanRow | null> {
      const [row] = await q<Row[]>`select ${COLUMNS} from library_scans s where s.id = ${id}`;
      return row ? toScan(row) : null;
    },

    /** The newest scan of each library in `libraryIds`. */
    async latest(libraryIds: readonly string[]): Promise<Map<string, ScanRow>> {
      const rows = await q<Row[]>`
        select ${COLUMNS} from unnest(${libraryIds as string[]}::uuid[]) as l(id)
        cross join lateral (
          select * from library_scans s where s.library_id = l.id order by s.id desc limit 1
        ) s`;
      return new Map(rows.map((r) => [r.library_id, toScan(r)]));
    },

    /** Scans of a library, newest first. */
    async history(libraryId: string, limit: number, offset: number): Promise<[ScanRow[], number]> {
      const rows = await q<(Row & { total: number })[]>`
        select ${COLUMNS}, count(*) over ()::int as total from library_scans s
        where s.library_id = ${libraryId} order by s.id desc limit ${limit} offset ${offset}`;
      return [rows.map(toScan), rows[0]?.total ?? 0];
    },

    async queued(libraryId: string): Promise<ScanRow | null> {
      const [row] = await q<Row[]>`
        select ${COLUMNS} from library_scans s where s.library_id = ${libraryId} and s.state = 'queued'`;
      return row ? toScan(row) : null;
    },

    async walking(libraryId: string): Promise<ScanRow | null> {
      const [row] = await q<Row[]>`
        select ${COLUMNS} from library_scans s
        where s.library_id = ${libraryId} and s.state = 'running' and not s.walk_done`;
      return row ? toScan(row) : null;
    },

    async insertQueued(
      libraryId: string,
      paths: string[] | null,
      reason: ScanReason,
      now: Date,
    ): Promise<string> {
      const [row] = await q<{ id: string }[]>`
        insert into library_scans (library_id, paths, reason, created_at)
        values (${libraryId}, ${paths}, ${reason}, ${now}) returning id::text as id`;
      return row.id;
    },

    /** Widens a waiting scan: `null` paths (the whole library) absorb any other. */
    async widen(id: string, paths: string[] | null): Promise<void> {
      await q`update library_scans set paths = ${paths} where id = ${id} and state = 'queued'`;
    },

    /**
     * Starts (or, after a crash, restarts) the walk: running, counters of the
     * walk reset (a restarted walk counts again from the start).
     */
    async startWalk(id: string, now: Date): Promise<ScanRow | null> {
      const [row] = await q<Row[]>`
        update library_scans s set state = 'running', phase = 'walk',
          started_at = coalesce(started_at, ${now}), seen = 0, messages = '[]'
        where s.id = ${id} and s.state <> 'idle' and not s.walk_done
        returning ${COLUMNS}`;
      return row ? toScan(row) : null;
    },

    async addCounts(id: string, c: WalkCounts): Promise<void> {
      await q`
        update library_scans set seen = seen + ${c.seen ?? 0}, added = added + ${c.added ?? 0},
          changed = changed + ${c.changed ?? 0}, moved = moved + ${c.moved ?? 0}
        where id = ${id}`;
    },

    /** The walk and the missing phase are over; probing may go on. */
    async endWalk(
      id: string,
      r: { missing: number; removed: number; messages: ScanMessage[] },
    ): Promise<void> {
      await q`
        update library_scans set walk_done = true, phase = 'probe', missing = ${r.missing},
          removed = ${r.removed}, messages = messages || ${q.json(r.messages as never)}::jsonb
        where id = ${id}`;
    },

    /**
     * Ends the scan when its walk is over and no file it gave to ffprobe is
     * still waiting; freezes the probe counts. True when this call ended it.
     */
    async finishIfDone(id: string, now: Date): Promise<boolean> {
      const rows = await q`
        update library_scans s set state = 'idle', phase = 'done', outcome = 'done',
          finished_at = ${now},
          to_probe = (select count(*) from movie_files f where f.scan_id = s.id),
          probed = (select count(*) from movie_files f
                    where f.scan_id = s.id and f.probe_state = 'ready'),
          failed = (select count(*) from movie_files f
                    where f.scan_id = s.id and f.probe_state = 'failed')
        where s.id = ${id} and s.state = 'running' and s.walk_done
          and not exists (select 1 from movie_files f
                          where f.scan_id = s.id and f.probe_state = 'pending')
        returning extract(epoch from (s.finished_at - coalesce(s.started_at, s.created_at)))::float8
          as seconds`;
      if (rows.length) libraryScanDuration.observe({ result: "done" }, Number(rows[0].seconds));
      return rows.length > 0;
    },

    /** Ends the scan as failed (or cancelled) with a message. */
    async fail(
      id: string,
      outcome: "failed" | "cancelled",
      message: string,
      now: Date,
    ): Promise<void> {
      const rows = await q`
        update library_scans s set state = 'idle', phase = 'done', outcome = ${outcome},
          walk_done = true, finished_at = ${now},
          messages = messages || ${q.json([{ level: "warning", text: message }] as never)}::jsonb,
          to_probe = (select count(*) from movie_files f where f.scan_id = s.id),
          probed = (select count(*) from movie_files f
                    where f.scan_id = s.id and f.probe_state = 'ready'),
          failed = (select count(*) from movie_files f
                    where f.scan_id = s.id and f.probe_state = 'failed')
        where s.id = ${id} and s.state <> 'idle'
        returning extract(epoch from (s.finished_at - coalesce(s.started_at, s.created_at)))::float8
          as seconds`;
      if (rows.length) libraryScanDuration.observe({ result: outcome }, Number(rows[0].seconds));
    },
  };
}

/** The scan repository. */
export type LibraryScanRepo = ReturnType<typeof createLibraryScanRepo>;
