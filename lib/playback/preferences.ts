/**
 * What a user's playback preferences change in a playback request: the
 * audio track in the preferred language, a text subtitle by the subtitle
 * mode, and the lower of the request's and the user's bitrate cap. A choice
 * the request makes itself always wins; image subtitles are never chosen by
 * preference (they would force a transcode to burn them in).
 */
import type { MediaInfo } from "../model/media_info.ts";
import { type PlaybackPreferences, sameLanguage } from "../model/playback_preferences.ts";
import type { PlaybackChoices } from "./decision.ts";

/** A subtitle the player could show without a transcode. */
export interface TextSubtitle {
  /** Embedded stream index, or the external subtitle's id. */
  id: number | string;
  language: string | null;
  forced: boolean;
}

/** The text subtitles of a file: embedded text streams, then external files. */
export function textSubtitles(
  media: MediaInfo,
  external: readonly { id: string; language: string | null; forced: boolean }[],
): TextSubtitle[] {
  return [
    ...media.subtitles.filter((s) => s.text).map((s) => ({
      id: s.index,
      language: s.language,
      forced: s.forced,
    })),
    ...external.map((s) => ({ id: s.id, language: s.language, forced: s.forced })),
  ];
}

/** `r` with what it leaves open filled in from `prefs`. */
export function applyPreferences(
  media: MediaInfo,
  subtitles: readonly TextSubtitle[],
  r: PlaybackChoices,
  prefs: PlaybackPreferences,
): PlaybackChoices {
  const out: PlaybackChoices = { ...r };
  if (out.audioTrack === undefined && prefs.audioLanguage) {
    const track = media.audio.find((a) => sameLanguage(a.language, prefs.audioLanguage!));
    if (track) out.audioTrack = track.index;
  }
  if (out.subtitleTrack === undefined && prefs.subtitleMode !== "off") {
    const language = prefs.subtitleLanguage ?? prefs.audioLanguage;
    const inLanguage = subtitles.filter((s) => !language || sameLanguage(s.language, language));
    const pick = prefs.subtitleMode === "forced"
      ? inLanguage.find((s) => s.forced)
      : inLanguage.find((s) => !s.forced) ?? inLanguage[0];
    if (pick) out.subtitleTrack = pick.id;
  }
  if (prefs.maxBitrate !== null) {
    out.maxBitrate = Math.min(out.maxBitrate ?? Infinity, prefs.maxBitrate);
  }
  return out;
}
