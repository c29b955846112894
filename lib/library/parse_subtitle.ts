/**
 * What a subtitle file's name says: its language, forced/SDH/default tags
 * and format, and which video file in its folder it belongs to
 * (`Film.en.forced.srt` → `Film.mkv`). Re-exported by `parse_name.ts`.
 */

const CONTROL = /\p{Cc}/gu;

/** What a subtitle file's name says about it. */
export interface ParsedSubtitle {
  /**
   * ISO 639-2/B, lower case (`eng`, `fre`, `ger`, `chi`): two-letter codes,
   * the T forms (`fra`, `deu`) and English and native names map through a
   * small table; unknown tokens are not guessed at (null).
   */
  language: string | null;
  /** `forced` or `foreign`. */
  forced: boolean;
  /** `sdh`, `cc` or `hi` (hearing impaired, as Jellyfin reads it; Hindi is `hin`/`hindi`). */
  sdh: boolean;
  default: boolean;
  /** The other words after the video's name (`Commentary`), or a regional tag as written (`pt-BR`). */
  title: string | null;
  format: "srt" | "ass" | "ssa" | "vtt";
}

/** One language a line: its ISO 639-2/B code, then the words that mean it. */
const LANGUAGES = [
  "eng en english | fre fr fra french francais français | ger de deu german deutsch",
  "spa es spanish espanol español castellano latino | ita it italian italiano",
  "por pt portuguese portugues português brazilian | dut nl nld dutch nederlands flemish",
  "swe sv swedish svenska | nor no nb nn nob nno norwegian norsk | dan da danish dansk",
  "fin fi finnish suomi | ice is isl icelandic | pol pl polish polski | rus ru russian",
  "ukr uk ukrainian | cze cs ces czech | slo sk slk slovak | slv sl slovenian slovene",
  "hun hu hungarian magyar | rum ro ron romanian | bul bg bulgarian | hrv hr croatian",
  "srp sr serbian | bos bs bosnian | gre el ell greek | tur tr turkish | est et estonian",
  "lav lv latvian | lit lt lithuanian | cat ca catalan | ara ar arabic | heb he iw hebrew",
  "per fa fas persian farsi | hin hindi | tam ta tamil | tel te telugu | tha th thai",
  "vie vi vietnamese | ind id indonesian | may ms msa malay | fil tl tgl filipino tagalog",
  "jpn ja japanese | kor ko korean | chi zh zho chinese mandarin cantonese",
].join(" | ");
const LANGUAGE_OF: ReadonlyMap<string, string> = new Map(
  LANGUAGES.split(" | ").flatMap((row) => {
    const [code, ...names] = row.split(" ");
    return [code, ...names].map((n): [string, string] => [n, code]);
  }),
);
const SUBTITLE_FORMATS = new Set(["srt", "ass", "ssa", "vtt"]);
const REGION_TAG = /^([a-z]{2,3})-(?:[a-z]{2}|\d{3}|[a-z]{4})$/;

/**
 * Which of `videoFiles` (file names in the same folder) `subtitleFile`
 * belongs to, and what its name says. The video is the one with the longest
 * base name that the subtitle's base name starts with, followed by `.` or
 * the end (`Film.en.forced.srt` → `Film.mkv`), compared NFC and without
 * case; failing that, the folder's only video, if it has one; else null.
 * Call it for names `classifyEntry` (path_rules.ts) calls `"subtitle"`: another
 * extension is a caller's error (RangeError).
 */
export function parseSubtitleName(
  subtitleFile: string,
  videoFiles: readonly string[],
): { video: string | null; subtitle: ParsedSubtitle } {
  const name = (subtitleFile.split("/").pop() ?? "").normalize("NFC");
  const dot = name.lastIndexOf(".");
  const format = name.slice(dot + 1).toLowerCase();
  if (dot <= 0 || !SUBTITLE_FORMATS.has(format)) {
    throw new RangeError(`not a text subtitle file: ${JSON.stringify(subtitleFile)}`);
  }
  const base = name.slice(0, dot);
  const lowerBase = base.toLowerCase();
  let video: string | null = null;
  let matched = -1;
  for (const v of videoFiles) {
    const vName = (v.split("/").pop() ?? "").normalize("NFC").toLowerCase();
    const vDot = vName.lastIndexOf(".");
    const vBase = vDot > 0 ? vName.slice(0, vDot) : vName;
    const fits = lowerBase === vBase || lowerBase.startsWith(vBase + ".");
    if (fits && vBase.length > matched) {
      video = v;
      matched = vBase.length;
    }
  }
  const tags = matched >= 0 ? base.slice(matched + 1) : base;
  if (matched < 0 && videoFiles.length === 1) video = videoFiles[0];
  const subtitle = readSubtitleTags(tags, matched >= 0);
  return { video, subtitle: { ...subtitle, format: format as ParsedSubtitle["format"] } };
}

/**
 * Flags and language from the words after the video's name. For a name that
 * matched no video only the trailing run of known words counts (in
 * `Shut.It.Down.srt`, `It` is no Italian tag) and nothing becomes the title.
 */
function readSubtitleTags(tags: string, afterVideo: boolean): Omit<ParsedSubtitle, "format"> {
  const out: Omit<ParsedSubtitle, "format"> = {
    language: null,
    forced: false,
    sdh: false,
    default: false,
    title: null,
  };
  const words = tags.replace(CONTROL, " ").split(/[.\s_]+/u).filter((w) => w !== "");
  const other: string[] = [];
  let region: string | null = null;
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i];
    const w = word.toLowerCase();
    const regional = REGION_TAG.exec(w);
    const language = LANGUAGE_OF.get(regional ? regional[1] : w);
    if (w === "forced" || w === "foreign") out.forced = true;
    else if (w === "sdh" || w === "cc" || w === "hi") out.sdh = true;
    else if (w === "default") out.default = true;
    else if (language && out.language === null) {
      out.language = language;
      if (regional) region = word;
    } else if (afterVideo) other.unshift(word);
    else break;
  }
  if (afterVideo) out.title = other.length ? other.join(" ") : region;
  return out;
}
