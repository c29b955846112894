/**
 * The player of `/play/{movieId}`: asks the server how to play the film
 * with this browser's own profile (`_device_profile.ts`), plays a direct URL
 * in the `<video>` element as it is, HLS natively where the browser can
 * (Safari) and through hls.js elsewhere (loaded only then), and reports
 * playback every 10 s and on pause, stop and leaving the page. Its own
 * controls (buttons and sliders with labels, all reachable by keyboard):
 * play/pause, seek, volume, fullscreen, audio, subtitles and quality.
 * Keys: Space or K play/pause, ←/→ 10 s, F fullscreen, M mute.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./_api.ts";
import { browserProfile } from "./_device_profile.ts";
import { BlockSkeleton } from "../lib/ui/Skeleton.tsx";
import { type Lang, t as translate } from "../lib/ui/i18n/translate.ts";

/** Props of {@linkcode Player}. */
export interface PlayerProps {
  movieId: string;
  title: string;
  /** The viewer's bandwidth cap (bits per second), or null. */
  maxBitrate: number | null;
  /** The page's language (default English). */
  lang?: Lang;
}

interface Track {
  index: number;
  codec: string;
  channels: number;
  language: string | null;
  title: string | null;
}
interface Subtitle {
  index: number | null;
  externalId: string | null;
  codec: string;
  language: string | null;
  title: string | null;
  selected: boolean;
  url: string | null;
}
interface Decision {
  method: "direct_play" | "direct_stream" | "transcode";
  reasons: { code: string; text: string }[];
  url: string;
  fileId: string;
  audioTrack: Track | null;
  subtitles: Subtitle[];
  mediaInfo: { durationMs: number | null; audio: Track[] };
  startPositionMs: number;
  bitrate: number | null;
}
// deno-lint-ignore no-explicit-any
type HlsInstance = any;

const REPORT_EVERY_MS = 10_000;
/** The choice of the first load: nothing chosen, the viewer's preferences decide. */
const FIRST = Object.freeze({});
const subId = (s: Subtitle) => s.externalId ? `x${s.externalId}` : `s${s.index}`;
const PAUSED_REPORT_EVERY_MS = 60_000;

const label = (t: { language: string | null; title: string | null }, fallback: string) =>
  [t.title, t.language].filter(Boolean).join(" · ") || fallback;
const clock = (s: number) => {
  if (!Number.isFinite(s)) return "0:00";
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = Math.floor(s % 60);
  return `${h ? `${h}:${String(m).padStart(2, "0")}` : m}:${String(sec).padStart(2, "0")}`;
};

/** The player. */
export default function Player(props: PlayerProps) {
  const video = useRef<HTMLVideoElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const hls = useRef<HlsInstance>(null);
  const session = useRef<string | undefined>(undefined);
  // Reports go one after the other, so a start is answered (and its session known) before the
  // next report; handlers bound at the first render (pagehide) read the decision from a ref.
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const current = useRef<Decision | undefined>(undefined);
  const [decision, setDecision] = useState<Decision | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  const [volume, setVolume] = useState(1);
  const [muted, setMuted] = useState(false);
  const [subtitle, setSubtitle] = useState<string>("off");
  const [levels, setLevels] = useState<{ height: number; bitrate: number }[]>([]);
  const [level, setLevel] = useState(-1);
  const [loading, setLoading] = useState(true);
  const lang = props.lang ?? "en";
  const tr = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(lang, key, params);

  async function load(
    choice: { audioTrack?: number; subtitleTrack?: number; startPositionMs?: number } = FIRST,
  ) {
    const v = video.current!;
    setLoading(true);
    const r = await api<Decision>("POST", `/api/v1/movies/${props.movieId}/playback`, {
      profile: browserProfile(v),
      ...(props.maxBitrate ? { maxBitrate: props.maxBitrate } : {}),
      ...choice,
    });
    setLoading(false);
    if (!r.ok) return setError(r.body.detail ?? translate(lang, "player.cannotPlay"));
    const d = r.body;
    setError(undefined);
    current.current = d;
    setDecision(d);
    // The first decision shows the subtitle the viewer's preferences chose (a text one).
    if (choice === FIRST) {
      const chosen = d.subtitles.find((s) => s.selected && s.url);
      if (chosen) setSubtitle(subId(chosen));
    }
    const start = d.startPositionMs / 1000;
    hls.current?.destroy();
    hls.current = null;
    setLevels([]);
    if (d.method === "direct_play" || v.canPlayType("application/vnd.apple.mpegurl")) {
      v.src = d.url;
      v.addEventListener("loadedmetadata", () => {
        if (start > 0) v.currentTime = start;
      }, { once: true });
    } else {
      // Loaded only when needed: a direct-play film never downloads hls.js.
      const { default: Hls } = await import("hls.js");
      if (!Hls.isSupported()) return setError(translate(lang, "player.noHls"));
      // No worker: the CSP allows scripts from this origin only, not blob: workers.
      const h = new Hls({ enableWorker: false, startPosition: start });
      hls.current = h;
      h.on(Hls.Events.MANIFEST_PARSED, () => {
        setLevels(h.levels.map((l: { height: number; bitrate: number }) => ({
          height: l.height,
          bitrate: l.bitrate,
        })));
      });
      h.on(Hls.Events.ERROR, (_: unknown, data: { fatal: boolean; details: string }) => {
        if (data.fatal) setError(translate(lang, "player.failed", { details: data.details }));
      });
      h.loadSource(d.url);
      h.attachMedia(v);
    }
    v.play().catch(() => {/* autoplay refused: the play button is there */});
  }

  type ReportEvent = "start" | "progress" | "pause" | "stop";
  function report(event: ReportEvent, keepalive = false): Promise<unknown> {
    if (keepalive) return send(event, true);
    queue.current = queue.current.then(() => send(event)).catch(() => {});
    return queue.current;
  }

  async function send(wanted: ReportEvent, keepalive = false): Promise<void> {
    const v = video.current, d = current.current;
    if (!v || !d) return;
    // A session already started goes on: a second play is progress, not a new session.
    const event = wanted === "start" && session.current ? "progress" : wanted;
    if (!session.current && event !== "start") await send("start");
    const body = {
      event,
      sessionId: session.current,
      movieId: props.movieId,
      fileId: d.fileId,
      positionMs: Math.floor(v.currentTime * 1000),
      method: d.method,
      reasons: d.reasons,
      ...(d.bitrate ? { bitrate: Math.round(d.bitrate) } : {}),
      client: `Revenge web player (${navigator.userAgent.slice(0, 120)})`,
    };
    if (keepalive) {
      // The page is going away: fetch with keepalive outlives it.
      fetch("/api/v1/playback/sessions", {
        method: "POST",
        keepalive: true,
        credentials: "same-origin",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
      }).catch(() => {});
      return;
    }
    const r = await api<{ sessionId: string; active: boolean; endReason: string | null }>(
      "POST",
      "/api/v1/playback/sessions",
      body,
    );
    if (!r.ok) return;
    session.current = r.body.sessionId;
    if (!r.body.active && event !== "stop") {
      session.current = undefined;
      if (r.body.endReason === "admin") {
        v.pause();
        hls.current?.stopLoad();
        setNotice(translate(lang, "player.stopped"));
      }
    }
  }

  useEffect(() => {
    load();
    const leave = () => report("stop", true);
    addEventListener("pagehide", leave);
    return () => removeEventListener("pagehide", leave);
  }, []);

  // Reports: every 10 s while playing, every minute while paused (so the session stays alive).
  useEffect(() => {
    if (!decision) return;
    const every = playing ? REPORT_EVERY_MS : PAUSED_REPORT_EVERY_MS;
    const t = setInterval(() => report(playing ? "progress" : "pause"), every);
    return () => clearInterval(t);
  }, [decision, playing]);

  // The chosen subtitle shows; the others are hidden.
  useEffect(() => {
    const tracks = video.current?.textTracks;
    if (!tracks) return;
    for (let i = 0; i < tracks.length; i++) {
      tracks[i].mode = tracks[i].id === subtitle ? "showing" : "disabled";
    }
  }, [subtitle, decision]);

  const v = () => video.current!;
  const toggle = () => (v().paused ? v().play().catch(() => {}) : v().pause());
  const seek = (s: number) => {
    v().currentTime = Math.max(0, Math.min(s, duration || s));
  };
  const fullscreen = () =>
    document.fullscreenElement ? document.exitFullscreen() : box.current?.requestFullscreen();
  function onKey(e: KeyboardEvent) {
    const target = e.target as HTMLElement;
    if (target.tagName === "SELECT" || (target.tagName === "INPUT" && e.key !== " ")) return;
    if (e.key === " " || e.key === "k") {
      e.preventDefault();
      toggle();
    } else if (e.key === "ArrowRight") seek(v().currentTime + 10);
    else if (e.key === "ArrowLeft") seek(v().currentTime - 10);
    else if (e.key === "f") fullscreen();
    else if (e.key === "m") v().muted = !v().muted;
  }

  const subtitles = decision?.subtitles.filter((s) => s.url) ?? [];
  // Image subtitles (PGS, VobSub) can only be burned in: choosing one asks for a new decision.
  const pictures = decision?.subtitles.filter((s) => !s.url && s.index !== null) ?? [];
  const burned = decision?.subtitles.find((s) => s.selected && !s.url);
  function chooseSubtitle(value: string) {
    const wasBurned = burned !== undefined;
    const at = Math.floor(v().currentTime * 1000);
    const audioTrack = decision?.audioTrack?.index;
    if (value.startsWith("b")) {
      setSubtitle(value);
      return load({ audioTrack, subtitleTrack: Number(value.slice(1)), startPositionMs: at });
    }
    setSubtitle(value);
    // Leaving a burned-in subtitle: the picture without it.
    if (wasBurned) load({ audioTrack, startPositionMs: at });
  }
  return (
    <section
      class="player"
      aria-label={translate(lang, "player.region", { title: props.title })}
      ref={box}
      onKeyDown={onKey}
    >
      <video
        ref={video}
        class="player-video"
        hidden={!decision}
        playsInline
        crossOrigin="use-credentials"
        aria-label={props.title}
        onClick={toggle}
        onPlay={() => {
          setPlaying(true);
          report("start");
        }}
        onPause={() => {
          setPlaying(false);
          report("pause");
        }}
        onEnded={() => report("stop")}
        onTimeUpdate={() => setTime(v().currentTime)}
        onDurationChange={() => setDuration(v().duration)}
        onVolumeChange={() => {
          setVolume(v().volume);
          setMuted(v().muted);
        }}
        data-method={decision?.method}
      >
        {subtitles.filter((s) => subId(s) === subtitle).map((s) => (
          <track
            key={subId(s)}
            id={subId(s)}
            kind="subtitles"
            src={s.url!}
            srclang={s.language ?? undefined}
            label={label(s, translate(lang, "player.subtitles"))}
            default
          />
        ))}
      </video>
      {loading && !decision && !error && <BlockSkeleton lang={lang} kind="video" />}
      {error && (
        <div role="alert" class="card">
          <p class="error">{error}</p>
          <button
            type="button"
            onClick={() => {
              setError(undefined);
              const d = current.current;
              load(
                d
                  ? {
                    audioTrack: d.audioTrack?.index,
                    startPositionMs: Math.floor(v().currentTime * 1000),
                  }
                  : FIRST,
              );
            }}
          >
            {translate(lang, "error.retry")}
          </button>
        </div>
      )}
      {notice && <p role="status" class="notice">{notice}</p>}
      <div class="player-controls">
        <button
          type="button"
          onClick={toggle}
          aria-label={playing ? tr("player.pause") : tr("player.play")}
        >
          {playing ? tr("player.pause") : tr("player.play")}
        </button>
        <input
          type="range"
          aria-label={tr("player.seek")}
          min={0}
          max={duration || 0}
          step={0.1}
          value={time}
          aria-valuetext={tr("player.timeOf", { time: clock(time), duration: clock(duration) })}
          onInput={(e) => seek(Number((e.target as HTMLInputElement).value))}
        />
        <span class="player-time" aria-hidden="true">{clock(time)} / {clock(duration)}</span>
        <button
          type="button"
          aria-label={muted ? tr("player.unmute") : tr("player.mute")}
          onClick={() => (v().muted = !v().muted)}
        >
          {muted ? tr("player.unmute") : tr("player.mute")}
        </button>
        <input
          type="range"
          aria-label={tr("player.volume")}
          min={0}
          max={1}
          step={0.05}
          value={muted ? 0 : volume}
          onInput={(e) => {
            v().volume = Number((e.target as HTMLInputElement).value);
            v().muted = false;
          }}
        />
        <label>
          {tr("player.audio")}{" "}
          <select
            value={String(decision?.audioTrack?.index ?? "")}
            disabled={!decision || decision.mediaInfo.audio.length < 2}
            onChange={(e) =>
              load({
                audioTrack: Number((e.target as HTMLSelectElement).value),
                startPositionMs: Math.floor(v().currentTime * 1000),
              })}
          >
            {(decision?.mediaInfo.audio ?? []).map((a) => (
              <option key={a.index} value={String(a.index)}>
                {label(a, tr("player.track", { index: a.index }))}{" "}
                {tr("player.trackCodec", { codec: a.codec, channels: a.channels })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr("player.subtitles")}{" "}
          <select
            value={subtitle}
            disabled={subtitles.length + pictures.length === 0}
            onChange={(e) => chooseSubtitle((e.target as HTMLSelectElement).value)}
          >
            <option value="off">{tr("player.off")}</option>
            {subtitles.map((s) => (
              <option key={subId(s)} value={subId(s)}>{label(s, s.codec)}</option>
            ))}
            {pictures.map((s) => (
              <option key={`b${s.index}`} value={`b${s.index}`}>
                {label(s, s.codec)} {tr("player.burnedIn")}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr("player.quality")}{" "}
          <select
            value={String(level)}
            disabled={levels.length === 0}
            onChange={(e) => {
              const l = Number((e.target as HTMLSelectElement).value);
              setLevel(l);
              if (hls.current) hls.current.currentLevel = l;
            }}
          >
            <option value="-1">{levels.length ? tr("player.auto") : tr("player.original")}</option>
            {levels.map((l, i) => (
              <option key={i} value={String(i)}>
                {l.height}p · {(l.bitrate / 1e6).toFixed(1)} Mbit/s
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={fullscreen} aria-label={tr("player.fullscreen")}>
          {tr("player.fullscreen")}
        </button>
      </div>
      {decision && (
        <p class="muted player-method">
          {decision.method === "direct_play"
            ? tr("player.directPlay")
            : decision.method === "direct_stream"
            ? tr("player.directStream")
            : tr("player.transcode")}
          {decision.reasons.length > 0 && `: ${decision.reasons.map((r) => r.text).join(" ")}`}
        </p>
      )}
    </section>
  );
}
