/**
 * Messages between the HLS service (main thread) and the transcode worker
 * (`workers/transcode_worker.ts`), which supervises the ffmpeg processes.
 */
import type { HlsRunSpec } from "../../media/ffmpeg_args.ts";
import type { MetricsSnapshot } from "../../observability/metrics.ts";

/** Settings the worker runs with. */
export interface SupervisorSettings {
  ffmpeg: string;
  /** Folder of the session folders (`<data dir>/transcode`). */
  root: string;
  idleMs: number;
  maxConcurrent: number;
  maxPerUser: number;
  maxAheadSegments: number;
  /** Longest wait for one segment. */
  segmentTimeoutMs: number;
}

/** What a session is: who, which file, which rendition, and how to run ffmpeg for it. */
export interface SessionSpec {
  /** Same key, same session: user, file, rendition, audio, burn-in, tone-mapping, codec. */
  key: string;
  userId: string;
  fileId: string;
  mode: "remux" | "transcode";
  rendition: string;
  /** Bits per second of video and audio. */
  bitrate: number;
  /** Segment boundaries (`SegmentPlan`). */
  plan: number[];
  /** ffmpeg's run, without the parts a restart sets (run number, start, keyframes). */
  run: Omit<HlsRunSpec, "run" | "startSec" | "outDir" | "ffmpeg">;
}

/** An active session, as the admin sees it. */
export interface SessionInfo {
  id: string;
  userId: string;
  fileId: string;
  mode: "remux" | "transcode";
  rendition: string;
  bitrate: number;
  startedAt: string;
  lastRequestAt: string;
  /** ffmpeg is running (false: idle between runs or paused). */
  running: boolean;
  paused: boolean;
  /** Segments made so far. */
  segmentsReady: number;
}

/** Requests to the worker. */
export type ToSupervisor =
  | { type: "init"; settings: SupervisorSettings }
  | { type: "segment"; id: number; session: SessionSpec; segment: number }
  | { type: "init-segment"; id: number; session: SessionSpec }
  | { type: "list"; id: number }
  | { type: "stop"; id: number; sessionId: string }
  | { type: "stopFor"; id: number; userId: string; fileId: string }
  | { type: "shutdown"; id: number };

/** Why a request failed. */
export type SupervisorErrorKind = "limit-global" | "limit-user" | "failed" | "stopped" | "timeout";

/** Answers. */
export type FromSupervisor =
  | { type: "ready" }
  | { type: "reply"; id: number; ok: true; value: unknown }
  | { type: "reply"; id: number; ok: false; kind: SupervisorErrorKind; message: string }
  | { type: "log"; level: "info" | "warn"; message: string; fields: Record<string, unknown> }
  /** The worker's recorded metrics (lib/observability/metrics.ts), once a second. */
  | { type: "metrics"; snapshot: MetricsSnapshot };
