/**
 * The ffmpeg supervision of HLS sessions, run inside the transcode worker.
 * One session per (user, file, rendition, audio track, burn-in, tone-map,
 * codec), each in its own folder under `<data dir>/transcode`. A session is
 * made of runs: an ffmpeg started at a segment boundary (`-ss` before `-i`,
 * `-copyts` so the timestamps are the film's own) that cuts a part at every
 * keyframe; a segment of the plan is the parts between its boundaries, so a
 * copy can serve segments planned on the source's keyframes and a restart
 * never has to line up with an earlier run. ffmpeg reports each part it
 * opens on stderr; its own playlist then gives the finished parts and their
 * lengths.
 *
 * - A request more than {@linkcode RESTART_GAP} segments beyond what the
 *   current run has made (or before its start) restarts ffmpeg there; parts
 *   already made are kept and served.
 * - A run more than `maxAheadSegments` ahead of the newest request is paused
 *   (SIGSTOP on its process group) and resumed when the player catches up.
 * - A session without a request for `idleMs` is stopped: ffmpeg killed, its
 *   folder deleted.
 * - Transcodes are limited per user and in all (distinct films; remuxes cost
 *   little and are not counted).
 */
import { hlsRunArgs } from "../../media/ffmpeg_args.ts";
import { type ProcessHandle, spawnProcess } from "../../media/subprocess.ts";
import { ffmpegRestarts, transcodesRunning } from "../../observability/metrics.ts";
import type {
  SessionInfo,
  SessionSpec,
  SupervisorErrorKind,
  SupervisorSettings,
} from "./protocol.ts";

/** Segments beyond the current run's frontier that restart ffmpeg rather than wait. */
export const RESTART_GAP = 3;
// Part start times are sums of ffmpeg's segment lengths: a keyframe is matched within this.
const EPS = 0.3;

/** A refused or failed request. */
export class SupervisorError extends Error {
  constructor(readonly kind: SupervisorErrorKind, message: string) {
    super(message);
  }
}

interface Part {
  file: string;
  start: number;
  duration: number;
}

interface Run {
  n: number;
  startSeg: number;
  handle?: ProcessHandle;
  parts: Part[];
  /** Exited after writing everything. */
  done: boolean;
  exited: boolean;
  killed: boolean;
  failed?: string;
}

interface Session {
  id: string;
  spec: SessionSpec;
  dir: string;
  runs: Run[];
  current?: Run;
  runs_started: number;
  startedAt: number;
  lastRequestAt: number;
  newest: number;
  paused: boolean;
  waiters: Set<() => void>;
  /** Requests waiting for a segment: a session someone waits for is not idle. */
  pending: number;
}

/** Log lines go back to the main thread's logger. */
export type SupervisorLog = (
  level: "info" | "warn",
  message: string,
  fields: Record<string, unknown>,
) => void;

/** Creates the supervisor. */
export function createSupervisor(settings: SupervisorSettings, log: SupervisorLog) {
  const sessions = new Map<string, Session>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const s of sessions.values()) {
      if (s.pending === 0 && now - s.lastRequestAt > settings.idleMs) {
        log("info", "hls session idle: stopped", { session: s.id, fileId: s.spec.fileId });
        destroy(s).catch(() => {});
      }
    }
  }, Math.min(1000, Math.max(100, settings.idleMs / 4)));

  function readyParts(s: Session, n: number): string[] | undefined {
    const plan = s.spec.plan;
    const a = plan[n], b = plan[n + 1];
    for (const r of s.runs) {
      const first = r.parts.findIndex((p) => Math.abs(p.start - a) < EPS);
      if (first < 0) continue;
      const files: string[] = [];
      let i = first;
      for (; i < r.parts.length && r.parts[i].start < b - EPS; i++) files.push(r.parts[i].file);
      // A listed part is finished: the segment is whole once its last part reaches the boundary.
      const last = r.parts[i - 1];
      if (r.done || last.start + last.duration >= b - EPS) return files;
    }
    return undefined;
  }

  /** The segment the run is making now (the one its newest part belongs to). */
  function frontier(s: Session, r: Run): number {
    const last = r.parts.at(-1)?.start ?? s.spec.plan[r.startSeg];
    let k = r.startSeg;
    while (k + 1 < s.spec.plan.length - 1 && s.spec.plan[k + 1] <= last + EPS) k++;
    return k;
  }

  async function refresh(s: Session, r: Run): Promise<void> {
    let text: string;
    try {
      text = await Deno.readTextFile(`${s.dir}/r${r.n}.m3u8`);
    } catch {
      return;
    }
    const parts: Part[] = [];
    let t = s.spec.plan[r.startSeg];
    let pending: number | undefined;
    for (const line of text.split("\n")) {
      if (line.startsWith("#EXTINF:")) pending = parseFloat(line.slice(8));
      else if (pending !== undefined && /^r\d+-p\d+\.(ts|m4s)$/.test(line.trim())) {
        parts.push({ file: `${s.dir}/${line.trim()}`, start: t, duration: pending });
        t += pending;
        pending = undefined;
      }
    }
    if (parts.length >= r.parts.length) r.parts = parts;
    pace(s);
    wake(s);
  }

  function wake(s: Session): void {
    const w = [...s.waiters];
    s.waiters.clear();
    for (const f of w) f();
  }

  function pace(s: Session): void {
    const r = s.current;
    if (!r?.handle || r.exited) return;
    const ahead = frontier(s, r) - s.newest;
    if (!s.paused && ahead > settings.maxAheadSegments) {
      r.handle.pause(true);
      s.paused = true;
    } else if (s.paused && ahead <= settings.maxAheadSegments) {
      r.handle.pause(false);
      s.paused = false;
    }
  }

  async function stopRun(s: Session): Promise<void> {
    const r = s.current;
    s.current = undefined;
    s.paused = false;
    if (!r?.handle || r.exited) return;
    r.killed = true;
    await r.handle.kill();
  }

  async function startRun(s: Session, seg: number): Promise<void> {
    await stopRun(s);
    const n = ++s.runs_started;
    if (n > 1) ffmpegRestarts.inc();
    const spec = s.spec.run;
    const argv = [
      settings.ffmpeg,
      ...hlsRunArgs({
        ...spec,
        run: n,
        startSec: s.spec.plan[seg],
        outDir: s.dir,
        video: spec.video && { ...spec.video, keyframes: s.spec.plan.slice(seg, -1) },
      }),
    ];
    const r: Run = { n, startSeg: seg, parts: [], done: false, exited: false, killed: false };
    s.runs.push(r);
    s.current = r;
    let scheduled = false;
    transcodesRunning.inc();
    r.handle = spawnProcess(argv, {
      timeoutMs: 24 * 3600_000,
      onStderrLine(line) {
        if (!line.includes("Opening '") || scheduled) return;
        scheduled = true;
        setTimeout(() => {
          scheduled = false;
          refresh(s, r);
        }, 2);
      },
    });
    r.handle.done.finally(() => transcodesRunning.dec()).catch(() => {});
    r.handle.done.then(
      async () => {
        r.done = true;
        r.exited = true;
        await refresh(s, r);
      },
      (e) => {
        r.exited = true;
        if (!r.killed) {
          r.failed = "ffmpeg failed";
          log("warn", "hls ffmpeg failed", {
            session: s.id,
            fileId: s.spec.fileId,
            stderr: (e as { result?: { stderrTail?: string } }).result?.stderrTail ?? String(e),
          });
        }
        wake(s);
      },
    );
  }

  async function destroy(s: Session): Promise<void> {
    sessions.delete(s.spec.key);
    await stopRun(s);
    for (const r of s.runs) if (r.handle && !r.exited) await r.handle.kill();
    wake(s);
    await Deno.remove(s.dir, { recursive: true }).catch(() => {});
  }

  async function session(spec: SessionSpec): Promise<Session> {
    const had = sessions.get(spec.key);
    if (had) return had;
    if (spec.mode === "transcode") {
      const others = [...sessions.values()].filter((x) =>
        x.spec.mode === "transcode" &&
        !(x.spec.userId === spec.userId && x.spec.fileId === spec.fileId)
      );
      const mine = new Set(
        others.filter((x) => x.spec.userId === spec.userId).map((x) => x.spec.fileId),
      );
      if (mine.size >= settings.maxPerUser) {
        throw new SupervisorError(
          "limit-user",
          `You are transcoding ${mine.size} films at once, the most allowed per user; stop one first.`,
        );
      }
      const films = new Set(others.map((x) => `${x.spec.userId}/${x.spec.fileId}`));
      if (films.size >= settings.maxConcurrent) {
        throw new SupervisorError(
          "limit-global",
          `The server is transcoding ${films.size} films, its limit; try again later.`,
        );
      }
    }
    // Another rendition of the same playback (a quality switch): its ffmpeg is stopped, its parts kept.
    for (const x of sessions.values()) {
      if (x.spec.userId === spec.userId && x.spec.fileId === spec.fileId) await stopRun(x);
    }
    const id = crypto.randomUUID();
    const s: Session = {
      id,
      spec,
      dir: `${settings.root}/${id}`,
      runs: [],
      runs_started: 0,
      startedAt: Date.now(),
      lastRequestAt: Date.now(),
      newest: 0,
      paused: false,
      waiters: new Set(),
      pending: 0,
    };
    await Deno.mkdir(s.dir, { recursive: true });
    sessions.set(spec.key, s);
    log("info", "hls session started", {
      session: id,
      fileId: spec.fileId,
      mode: spec.mode,
      rendition: spec.rendition,
    });
    return s;
  }

  async function until<T>(
    s: Session,
    check: () => T | undefined | Promise<T | undefined>,
  ): Promise<T> {
    const deadline = Date.now() + settings.segmentTimeoutMs;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (!sessions.has(s.spec.key)) {
        throw new SupervisorError("stopped", "The session was stopped.");
      }
      const r = s.current;
      if (!r || r.failed) {
        // A session ffmpeg cannot run holds no limit and no files.
        await destroy(s);
        throw new SupervisorError("failed", "ffmpeg could not make this segment of the file.");
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new SupervisorError("timeout", "The segment took too long to make.");
      await new Promise<void>((res) => {
        s.waiters.add(res);
        setTimeout(res, Math.min(left, 250));
      });
      // A run that ended: its last parts are in its playlist by now.
      if (r.exited && !r.failed) await refresh(s, r);
    }
  }

  return {
    /** The part files of segment `n` of the session `spec`, made first if need be. */
    async segment(spec: SessionSpec, n: number): Promise<string[]> {
      if (!Number.isInteger(n) || n < 0 || n >= spec.plan.length - 1) {
        throw new SupervisorError("failed", "No such segment.");
      }
      const s = await session(spec);
      s.lastRequestAt = Date.now();
      s.newest = n;
      const ready = readyParts(s, n);
      if (ready) {
        pace(s);
        return ready;
      }
      s.pending++;
      try {
        const r = s.current;
        if (!r || r.exited || n < r.startSeg || n > frontier(s, r) + RESTART_GAP) {
          await startRun(s, n);
        } else pace(s);
        return await until(s, () => readyParts(s, n));
      } finally {
        s.pending--;
        s.lastRequestAt = Date.now();
      }
    },

    /** The fMP4 initialisation segment of the session. */
    async init(spec: SessionSpec): Promise<string> {
      const s = await session(spec);
      s.lastRequestAt = Date.now();
      const find = async () => {
        for (const r of s.runs) {
          const path = `${s.dir}/r${r.n}-init.mp4`;
          // Written once the first part is done: a part listed means the init file is complete.
          if (r.parts.length && await Deno.stat(path).then(() => true, () => false)) return path;
        }
        return undefined;
      };
      const have = await find();
      if (have) return have;
      s.pending++;
      try {
        if (!s.current || s.current.exited) await startRun(s, s.newest);
        return await until(s, find);
      } finally {
        s.pending--;
        s.lastRequestAt = Date.now();
      }
    },

    /** The active sessions. */
    list(): SessionInfo[] {
      return [...sessions.values()].map((s) => ({
        id: s.id,
        userId: s.spec.userId,
        fileId: s.spec.fileId,
        mode: s.spec.mode,
        rendition: s.spec.rendition,
        bitrate: s.spec.bitrate,
        startedAt: new Date(s.startedAt).toISOString(),
        lastRequestAt: new Date(s.lastRequestAt).toISOString(),
        running: !!s.current && !s.current.exited && !s.paused,
        paused: s.paused,
        segmentsReady: s.spec.plan.slice(0, -1).filter((_, i) => readyParts(s, i)).length,
      }));
    },

    /** Stops one session; false when there is none with this id. */
    async stop(id: string): Promise<boolean> {
      const s = [...sessions.values()].find((x) => x.id === id);
      if (!s) return false;
      await destroy(s);
      return true;
    },

    /** Stops every session of a user on a file; answers how many. */
    async stopFor(userId: string, fileId: string): Promise<number> {
      const mine = [...sessions.values()].filter((x) =>
        x.spec.userId === userId && x.spec.fileId === fileId
      );
      await Promise.all(mine.map(destroy));
      return mine.length;
    },

    /** Stops everything (shutdown). */
    async close(): Promise<void> {
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map(destroy));
    },
  };
}

/** The supervisor. */
export type Supervisor = ReturnType<typeof createSupervisor>;
