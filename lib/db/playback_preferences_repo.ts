/** SQL of `user_playback_preferences`: one row per user who chose anything. */
import type { Queryable } from "./client.ts";
import {
  NO_PREFERENCES,
  type PlaybackPreferences,
  type SubtitleMode,
} from "../model/playback_preferences.ts";

/** The preferences repository. */
export interface PlaybackPreferencesRepo {
  /** The user's preferences ({@linkcode NO_PREFERENCES} when none are stored). */
  get(userId: string): Promise<PlaybackPreferences>;
  /** Stores the user's preferences whole, and answers them. */
  put(userId: string, p: PlaybackPreferences, now: Date): Promise<PlaybackPreferences>;
}

interface Row {
  audio_language: string | null;
  subtitle_language: string | null;
  subtitle_mode: SubtitleMode;
  max_bitrate: number | null;
}

const view = (r: Row): PlaybackPreferences => ({
  audioLanguage: r.audio_language,
  subtitleLanguage: r.subtitle_language,
  subtitleMode: r.subtitle_mode,
  maxBitrate: r.max_bitrate,
});

/** Creates the repository on a pool or transaction. */
export function createPlaybackPreferencesRepo(q: Queryable): PlaybackPreferencesRepo {
  return {
    async get(userId) {
      const [r] = await q<Row[]>`
        select audio_language, subtitle_language, subtitle_mode, max_bitrate
        from user_playback_preferences where user_id = ${userId}`;
      return r ? view(r) : NO_PREFERENCES;
    },
    async put(userId, p, now) {
      const [r] = await q<Row[]>`
        insert into user_playback_preferences
          (user_id, audio_language, subtitle_language, subtitle_mode, max_bitrate, updated_at)
        values (${userId}, ${p.audioLanguage}, ${p.subtitleLanguage}, ${p.subtitleMode},
          ${p.maxBitrate}, ${now})
        on conflict (user_id) do update set
          audio_language = excluded.audio_language,
          subtitle_language = excluded.subtitle_language,
          subtitle_mode = excluded.subtitle_mode,
          max_bitrate = excluded.max_bitrate,
          updated_at = excluded.updated_at
        returning audio_language, subtitle_language, subtitle_mode, max_bitrate`;
      return view(r);
    },
  };
}
