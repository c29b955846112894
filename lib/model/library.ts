/** Libraries, their scans and the problems scans find: the shapes every layer shares. */

/** A library of films. */
export interface Library {
  id: string;
  name: string;
  /** Absolute folder paths, in the order given. */
  paths: string[];
  language: string;
  /** Scan changed paths when the folders change. */
  watch: boolean;
  /** Minutes between periodic full scans; 0: none. */
  scanIntervalMinutes: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A library with its counts and its latest scan. */
export interface LibraryDetail extends Library {
  movieCount: number;
  fileCount: number;
  problemCount: number;
  scan: ScanStatus;
}

/** Why a scan ran. */
export const SCAN_REASONS = [
  "manual",
  "created",
  "updated",
  "periodic",
  "watch",
  "radarr",
] as const;
/** Why a scan ran. */
export type ScanReason = typeof SCAN_REASONS[number];

/** queued → running → idle. */
export type ScanState = "queued" | "running" | "idle";
/** The phases of the pipeline (lib/library/README.md). */
export type ScanPhase = "walk" | "link" | "probe" | "missing" | "done";

/** A note a scan leaves for the administrator. */
export interface ScanMessage {
  level: "info" | "warning";
  text: string;
}

/** The state of a library's newest scan (all zero and `idle` when none ran yet). */
export interface ScanStatus {
  id: string | null;
  state: ScanState;
  phase: ScanPhase;
  reason: ScanReason | null;
  /** Null for a full scan; else the paths it looked at. */
  paths: string[] | null;
  seen: number;
  added: number;
  changed: number;
  moved: number;
  /** Files this scan gave to ffprobe; `probed` and `failed` count the ones done. */
  toProbe: number;
  probed: number;
  failed: number;
  missing: number;
  removed: number;
  outcome: "done" | "failed" | "cancelled" | null;
  messages: ScanMessage[];
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A file a scan could not index. */
export interface LibraryProblem {
  path: string;
  /** walk: names, links, unreadable folders; empty: a zero-byte file; probe: ffprobe failed. */
  kind: "walk" | "empty" | "probe";
  reason: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** The status of a library that was never scanned. */
export const NEVER_SCANNED: ScanStatus = {
  id: null,
  state: "idle",
  phase: "done",
  reason: null,
  paths: null,
  seen: 0,
  added: 0,
  changed: 0,
  moved: 0,
  toProbe: 0,
  probed: 0,
  failed: 0,
  missing: 0,
  removed: 0,
  outcome: null,
  messages: [],
  startedAt: null,
  finishedAt: null,
};
