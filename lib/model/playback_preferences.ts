/** A user's playback preferences (`user_playback_preferences`, migration 0044). */

/** When a playback starts with subtitles. */
export const SUBTITLE_MODES = ["off", "forced", "always"] as const;
/** One of {@linkcode SUBTITLE_MODES}. */
export type SubtitleMode = typeof SUBTITLE_MODES[number];

/** What a user prefers; every field null/off is no preference. */
export interface PlaybackPreferences {
  /** ISO 639-1 or -2 code (`en`, `eng`, `deu`); null: the file's default track. */
  audioLanguage: string | null;
  /** ISO 639 code for subtitles; null: the audio language's, else any. */
  subtitleLanguage: string | null;
  subtitleMode: SubtitleMode;
  /** Bits per second; null: no cap. */
  maxBitrate: number | null;
}

/** No preference at all. */
export const NO_PREFERENCES: PlaybackPreferences = Object.freeze({
  audioLanguage: null,
  subtitleLanguage: null,
  subtitleMode: "off",
  maxBitrate: null,
});

/** ISO 639-1 codes and the ISO 639-2 (B and T) codes files are tagged with. */
const ALIASES: Record<string, string[]> = {
  en: ["eng"],
  de: ["deu", "ger"],
  fr: ["fra", "fre"],
  es: ["spa"],
  it: ["ita"],
  nl: ["nld", "dut"],
  pt: ["por"],
  sv: ["swe"],
  da: ["dan"],
  no: ["nor", "nob", "nno"],
  fi: ["fin"],
  pl: ["pol"],
  cs: ["ces", "cze"],
  ru: ["rus"],
  tr: ["tur"],
  ja: ["jpn"],
  ko: ["kor"],
  zh: ["zho", "chi"],
};
const TO_TWO = new Map<string, string>(
  Object.entries(ALIASES).flatMap((
    [two, threes],
  ) => [[two, two] as [string, string], ...threes.map((t): [string, string] => [t, two])]),
);

/** The languages the settings page offers (ISO 639-1). */
export const PREFERENCE_LANGUAGES = Object.keys(ALIASES);

/** True when the track tag `tag` is the language `wanted` (either code form, any case). */
export function sameLanguage(tag: string | null, wanted: string): boolean {
  if (!tag) return false;
  const a = tag.toLowerCase(), b = wanted.toLowerCase();
  return a === b || (TO_TWO.get(a) ?? a) === (TO_TWO.get(b) ?? b);
}
