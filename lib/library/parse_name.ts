/**
 * What a film's path says: title, year, TMDb/IMDb ids, edition, resolution,
 * source and part, plus the keys the scanner groups and sorts by; and (in
 * `parse_subtitle.ts`) which video a subtitle file belongs to. Pure and fast (no I/O), and it never
 * throws on a name: the scanner feeds it whatever the disk holds.
 *
 * Rules, in the order they apply:
 * 1. The path is NFC-normalised (macOS writes NFD) and made storable
 *    (`safeText`); control characters such as a newline become spaces.
 * 2. Ids, from the file name or any parent folder, the file's first:
 *    Jellyfin/Emby `[tmdbid-603]`, `[tmdbid=603]`, `[imdbid-tt0133093]`,
 *    Plex/Radarr `{tmdb-603}`, `{imdb-tt0133093}`, any of these with `[`, `{`
 *    or `(` and `-`, `=` or `:`, and a bare `tt0133093` (7 or 8 digits, as
 *    Jellyfin's `ProviderIdParsers`). They are cut from the title; so are
 *    `tvdb` ids and Plex's `{edition-...}`, which gives the edition verbatim.
 * 3. Parts, Jellyfin's stacking rules at the end of the name: `cd1`, `cd 2`,
 *    `disc1`, `disk2`, `dvd1`, `part3`, `pt4`, also with `a`-`d`, and a bare
 *    `-a`..`-d`. `cd`/`disc`/`disk`/`dvd` always count; `part`, `pt` and bare
 *    letters are also words of titles ("Deathly Hallows Part 2"), so they count
 *    only after a year, alone or after a poor name, or in a folder whose title
 *    is the name before them. A `CD1`/`Disc 2` folder gives its files a part.
 * 4. Title and year: a `Title (Year)` name (Jellyfin/Plex layout) is read
 *    directly, keeping every character of the title; any other name goes to
 *    `@ctrl/video-filename-parser`'s `parseTitleAndYear`. Its regexes treat
 *    non-ASCII letters as separators (`אהבה.2010` came out as `א.`), so such
 *    names are parsed with each non-ASCII unit masked as `x` and the title
 *    mapped back. The package's full `filenameParse` is not used: it runs the
 *    title regexes three more times (10x slower for 10,000 files) and guesses
 *    (`WEB-DL` for any bare 1080p, `720p` for any Blu-ray); here resolution
 *    and source are only what the name states.
 * 5. The folder: the nearest parent that is not a `CD1`-like or disc folder.
 *    Its title and year win when it reads as a title with a year and the
 *    file's year is absent or the same (`The Matrix (1999)/The.Matrix.1999.
 *    1080p.mkv`); and when the file name is a poor source (`movie.mkv`,
 *    `VTS_01_1.mkv`, `title_t00.mkv`, `cd1.avi`, a bare resolution, an empty
 *    title; never a name with a year). A file whose year differs is another
 *    film: the folder gives it nothing, not even its ids. At the library root
 *    a poor name is the title, as it is.
 * 6. Edition: `{edition-X}`, else the words after the title (`Director's
 *    Cut`, `Extended Edition`, `Unrated`, `Theatrical`, `Remastered`, `IMAX`,
 *    `Criterion`, `25th Anniversary Edition`...), several joined with ", ".
 */
import { parseResolution, parseSourceGroups, parseTitleAndYear } from "@ctrl/video-filename-parser";
import { safeText } from "../model/unsafe_text.ts";
import { VIDEO_EXTENSIONS } from "./path_rules.ts";

/** Resolution classes a name can state (540p and odd heights are left to ffprobe). */
export type MovieResolution = "2160p" | "1080p" | "720p" | "576p" | "480p";

/** Where a release came from, as its name says; TV captures of any kind are `hdtv`. */
export type MovieSource =
  | "remux"
  | "bluray"
  | "web-dl"
  | "webrip"
  | "hdtv"
  | "dvd"
  | "screener"
  | "ppv"
  | "workprint"
  | "cam"
  | "telesync"
  | "telecine";

/** What one film file's path says about it. */
export interface ParsedMovie {
  title: string;
  year: number | null;
  edition: string | null;
  /** A {@linkcode MovieResolution} (kept `string` so callers may store any). */
  resolution: string | null;
  /** A {@linkcode MovieSource} (kept `string` so callers may store any). */
  source: string | null;
  tmdbId: number | null;
  /** `tt` and 7 or 8 digits, lower case. */
  imdbId: string | null;
  /** 1-based part of a film split over several files, or null. */
  part: number | null;
  /**
   * Groups files into one film within a library (versions, parts):
   * `tmdb:<id>`, else `imdb:<id>`, else `title:<folded title>:<year or "">`.
   * The title is folded with {@linkcode foldTitle}.
   */
  identityKey: string;
  /** Lower case, no diacritics, leading article dropped, numbers padded to 6 digits. */
  sortTitle: string;
}

interface Tags {
  text: string;
  tmdbId: number | null;
  imdbId: string | null;
  edition: string | null;
}

interface NamePart {
  title: string;
  year: number | null;
  /** The text after the title, where quality and edition words are. */
  rest: string;
  poor: boolean;
}

const ID_TAG = /[[{(]\s*(tmdbid|tmdb|imdbid|imdb|tvdbid|tvdb)\s*[-=:]\s*([^\]})]*?)\s*[\]})]/giu;
const EDITION_TAG = /\{\s*edition\s*[-=:]\s*([^}]*?)\s*\}/giu;
const BARE_IMDB = /(?<![\p{L}\p{N}])tt\d{7,8}(?!\p{N})/giu;
const EMPTY_BRACKETS = /[[({]\s*[\])}]/gu;
const CONTROL = /\p{Cc}/gu;
/** `Title (Year)` or `Title [Year]`, the year the first one in brackets. */
const TITLE_YEAR = /^(?<title>.*?\S)[\s._-]*[([](?<year>(?:18|19|20)\d{2})[)\]](?<rest>.*)$/su;
const PART_WORD =
  /^(?<prefix>.*?)(?:^|[\s._-]+|(?<=[\])}]))[[(]?(?<kind>cd|dvd|part|pt|dis[ck])[\s._-]*(?<n>\d{1,3}|[a-d])[\])]?$/isu;
const PART_LETTER = /^(?<prefix>.*?\S)[\s._]*-[\s._]*(?<n>[a-d])$/isu;
const PART_FOLDER = /^(?:cd|dvd|dis[ck]|part|pt)[\s._-]*(\d{1,3})$/iu;
const POOR_NAME =
  /^(?:movie|film|video|feature|main|title|vts[\s_-]*\d+[\s_-]*\d+|title[\s_-]*t?\d+|[a-z]?\d?_?t\d{2}|\d{5}|(?:\d{3,4}[pi]|4k|uhd|hdr|remux|bluray|web[\s_-]?dl|[\s._-])+)?$/iu;
const EDITION_WORDS =
  /(?<![\p{L}\p{N}])(?:(\d{1,3})(?:st|nd|rd|th)?[\s._-]+)?(director'?s[\s._-]*cut|dc|extended|ultimate|unrated|uncut|uncensored|theatrical|remastered|restored|imax|criterion|special(?=[\s._-]+edition)|collector'?s|anniversary|final(?=[\s._-]+(?:cut|edition))|redux|despecialized|open[\s._-]?matte)(?:[\s._-]+(cut|edition|version|collection))?(?![\p{L}\p{N}])/giu;
const REMUX = /\b(?:BD|UHD)?Remux\b/i;

/**
 * Parses `relPath`, a film file's path relative to its library folder with
 * `/` separators (`The Matrix (1999)/The.Matrix.1999.1080p.BluRay.mkv`, or a
 * bare file name at the root). See the module comment for the rules.
 */
export function parseMoviePath(relPath: string): ParsedMovie {
  const path = safeText(String(relPath).normalize("NFC"));
  try {
    return parse(path);
  } catch {
    // A regex surprise must not stop a scan: the name itself is the title.
    const title = bareTitle(path.split("/").pop() ?? path);
    return finish({ title, year: null, edition: null, resolution: null, source: null }, {
      tmdbId: null,
      imdbId: null,
      part: null,
    });
  }
}

function parse(path: string): ParsedMovie {
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  const fileName = segments.pop() ?? "";
  const stem = withoutExtension(fileName);
  const file = readTags(stem);

  let folderIndex = segments.length - 1;
  let folderPart: number | null = null;
  while (folderIndex >= 0) {
    const m = PART_FOLDER.exec(segments[folderIndex].trim());
    if (!m) break;
    folderPart ??= Number(m[1]) || null;
    folderIndex--;
  }
  const folderTags = folderIndex >= 0 ? readTags(segments[folderIndex]) : null;
  const folder = folderTags ? readName(folderTags.text) : null;

  const { text: fileText, part: filePart } = cutPart(file.text, folder);
  const own = readName(fileText);
  const folderIsFilm = folder !== null && folder.year !== null && folder.title !== "";
  // A file whose year differs from its folder's is another film kept there.
  const conflict = folderIsFilm && !own.poor && own.year !== null && own.year !== folder.year;
  const useFolder = folder !== null && !conflict;

  let title = own.title;
  let year = own.year;
  if (own.poor && folder && !folder.poor && folder.title !== "") {
    title = folder.title;
    year = folder.year ?? own.year;
  } else if (folderIsFilm && !conflict) {
    title = folder.title;
    year = folder.year;
  } else if (own.poor) {
    title = bareTitle(fileText).replace(/[\s._-]+$/u, "");
  }
  if (title === "") title = bareTitle(stem);

  let tmdbId = file.tmdbId;
  let imdbId = file.imdbId;
  if (useFolder) {
    for (let i = folderIndex; i >= 0; i--) {
      const tags = i === folderIndex ? folderTags! : readTags(segments[i]);
      tmdbId ??= tags.tmdbId;
      imdbId ??= tags.imdbId;
    }
  }
  const folderRest = useFolder ? folder.rest : "";
  // A poor name is all "rest": `1080p.mkv` still says 1080p.
  const ownRest = own.poor ? fileText : own.rest;
  const found = {
    title,
    year,
    edition: file.edition ?? findEdition(ownRest) ??
      (useFolder ? folderTags!.edition ?? findEdition(folderRest) : null),
    resolution: findResolution(ownRest) ?? findResolution(folderRest),
    source: findSource(ownRest) ?? findSource(folderRest),
  };
  return finish(found, { tmdbId, imdbId, part: filePart ?? folderPart });
}

function finish(
  found: Pick<ParsedMovie, "title" | "year" | "edition" | "resolution" | "source">,
  ids: Pick<ParsedMovie, "tmdbId" | "imdbId" | "part">,
): ParsedMovie {
  const key = ids.tmdbId !== null
    ? `tmdb:${ids.tmdbId}`
    : ids.imdbId !== null
    ? `imdb:${ids.imdbId}`
    : `title:${foldTitle(found.title) || found.title.toLowerCase()}:${found.year ?? ""}`;
  return { ...found, ...ids, identityKey: key, sortTitle: sortTitleOf(found.title) };
}

function withoutExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 && VIDEO_EXTENSIONS.has(name.slice(dot + 1).toLowerCase())
    ? name.slice(0, dot)
    : name;
}

/** The name as it is, for names nothing can be read from. */
function bareTitle(name: string): string {
  return withoutExtension(name).replace(CONTROL, " ").replace(/\s+/gu, " ").trim() || name;
}

/** Cuts ids and Plex's edition from a name. */
function readTags(name: string): Tags {
  const tags: Tags = { text: "", tmdbId: null, imdbId: null, edition: null };
  let text = name.replace(CONTROL, " ").replace(ID_TAG, (_all, key: string, value: string) => {
    const k = key.toLowerCase();
    if (k.startsWith("tmdb") && /^\d{1,10}$/.test(value) && Number(value) > 0) {
      tags.tmdbId ??= Number(value);
    } else if (k.startsWith("imdb") && /^tt\d{7,8}$/i.test(value)) {
      tags.imdbId ??= value.toLowerCase();
    }
    return " ";
  });
  text = text.replace(EDITION_TAG, (_all, value: string) => {
    if (value !== "") tags.edition ??= value;
    return " ";
  });
  text = text.replace(BARE_IMDB, (id) => {
    tags.imdbId ??= id.toLowerCase();
    return " ";
  });
  tags.text = text.replace(EMPTY_BRACKETS, " ").trim();
  return tags;
}

/** Cuts a part marker from the end of a file name (step 3 of the rules). */
function cutPart(text: string, folder: NamePart | null): { text: string; part: number | null } {
  const word = PART_WORD.exec(text);
  const letter = word ? null : PART_LETTER.exec(text);
  const m = word ?? letter;
  if (!m?.groups) return { text, part: null };
  const { prefix, kind = "", n } = m.groups;
  const part = /\d/.test(n) ? Number(n) : n.toLowerCase().charCodeAt(0) - 96;
  if (part < 1) return { text, part: null };
  if (!/^(?:cd|dvd|dis[ck])$/i.test(kind)) {
    // After a year the title is over: `Film.2001.part1`, `Film (2001) - pt2`.
    const before = readName(prefix);
    const sameAsFolder = folder !== null && foldTitle(before.title) === foldTitle(folder.title);
    if (!before.poor && before.year === null && !sameAsFolder) return { text, part: null };
  }
  return { text: prefix, part };
}

/** Title, year and what follows from one name (a file's stem or a folder's name). */
function readName(name: string): NamePart {
  const m = TITLE_YEAR.exec(name);
  if (m?.groups) {
    const title = cleanTitle(m.groups.title);
    const year = Number(m.groups.year);
    return { title, year, rest: m.groups.rest, poor: isPoor(title, year) };
  }
  // Same length as `name`, so positions map back one to one.
  const input = name.replace(/_/g, " ").replace(/[\u0080-\uffff]/g, "x");
  const parsed = parseTitleAndYear(input);
  const mapped = mapBack(parsed.title, input, name);
  let title = cleanTitle(mapped?.text ?? (input === name ? parsed.title : ""));
  // The parser takes every lone letter of a dotted name for an acronym:
  // "Star.Wars.Episode.V.The" is not "Episode V. The", "Malcolm.X" not "Malcolm X.".
  if (!/\s/u.test(name)) title = title.replace(/(?<=(?:^|\s)\p{L})\.(?=\s|$)/gu, "");
  const parsedYear = parsed.year === null ? null : Number(parsed.year);
  const year = Number.isFinite(parsedYear) ? parsedYear : null;
  return { title, year, rest: name.slice(mapped?.end ?? 0), poor: isPoor(title, year) };
}

/**
 * The parser's title with the original characters back: each of its
 * characters is found in turn in `input` (spaces stand for separators).
 */
function mapBack(
  parsed: string,
  input: string,
  original: string,
): { text: string; end: number } | null {
  let text = "";
  let at = 0;
  for (const ch of parsed) {
    if (ch === " ") {
      text += " ";
      if (input[at] === " " || input[at] === ".") at++;
      continue;
    }
    const k = input.indexOf(ch, at);
    if (k < 0) return null;
    text += original[k];
    at = k + 1;
  }
  return { text, end: at };
}

/** Dots and underscores to spaces (keeping acronyms like `R.I.P.D.`), trimmed. */
function cleanTitle(raw: string): string {
  let s = raw.replace(CONTROL, " ");
  if (!/\s/u.test(s) && s.includes(".")) s = dotsToSpaces(s);
  s = s.replace(/_/g, " ").replace(/\s+/gu, " ");
  return s.replace(/^[\s\-_,;:]+|[\s\-_,;:([{]+$/gu, "");
}

/** A name that says nothing of the film (`movie`, `VTS_01_1`, `1080p`), unless it has a year. */
function isPoor(title: string, year: number | null): boolean {
  return year === null && POOR_NAME.test(title);
}

function dotsToSpaces(s: string): string {
  const parts = s.split(".").filter((p) => p !== "");
  let out = "";
  let acronym = false;
  parts.forEach((p, i) => {
    const letter = /^\p{L}$/u.test(p);
    if (letter && (acronym || /^\p{L}$/u.test(parts[i + 1] ?? ""))) {
      out += (out && !acronym ? " " : "") + p + ".";
      acronym = true;
    } else {
      out += (out ? " " : "") + p;
      acronym = false;
    }
  });
  return out;
}

function findEdition(rest: string): string | null {
  const labels: string[] = [];
  for (const m of rest.matchAll(EDITION_WORDS)) {
    const [, number, word, tail] = m;
    const label = [number ? ordinal(number) : "", editionWord(word), tail ? capital(tail) : ""]
      .filter(Boolean).join(" ");
    if (!labels.includes(label)) labels.push(label);
  }
  return labels.length ? labels.join(", ") : null;
}

function editionWord(word: string): string {
  const w = word.toLowerCase().replace(/[\s._-]+/g, " ");
  if (w === "dc" || w.startsWith("director")) return "Director's Cut";
  if (w === "imax") return "IMAX";
  if (w.startsWith("collector")) return "Collector's";
  if (w.startsWith("open")) return "Open Matte";
  return capital(w);
}

function ordinal(n: string): string {
  const v = Number(n);
  const suffix = v % 100 >= 11 && v % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][v % 10] ?? "th";
  return `${v}${suffix}`;
}

function capital(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();
}

function findResolution(rest: string): MovieResolution | null {
  if (rest === "") return null;
  const r = parseResolution(rest);
  // Without `source` the package guessed (480p for any DVD); only what is written counts.
  if (!r.source || !r.resolution) return null;
  const value = r.resolution.toLowerCase();
  return value === "540p" ? null : value as MovieResolution;
}

function findSource(rest: string): MovieSource | null {
  if (rest === "") return null;
  const g = parseSourceGroups(rest);
  if (REMUX.test(rest) && !g.webdl && !g.hdtv) return "remux";
  if (g.bluray || g.bdrip || g.brrip) return "bluray";
  if (g.webrip) return "webrip";
  if (g.webdl) return "web-dl";
  if (g.hdtv || g.pdtv || g.sdtv || g.dsr || g.tvrip) return "hdtv";
  if (g.scr) return "screener";
  if (g.dvdr || g.dvd) return "dvd";
  if (g.ppv) return "ppv";
  if (g.workprint) return "workprint";
  if (g.cam) return "cam";
  if (g.ts) return "telesync";
  if (g.tc) return "telecine";
  return null;
}

const LETTERS: Record<string, string> = { ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d" };

/**
 * A title folded for comparison, as in identity keys: acronyms closed up
 * (`R.I.P.D.` = `RIPD`), NFKD without diacritics, lower case, `&` as `and`,
 * apostrophes dropped (`Schindler's` = `Schindlers`), other punctuation and
 * symbols as spaces (`Spider-Man` = `Spider Man`), invisible format
 * characters (bidi marks) dropped, whitespace collapsed.
 */
export function foldTitle(title: string): string {
  return title.replace(/(?<![\p{L}\p{N}])(?:\p{L}\.){2,}/gu, (acr) => acr.replaceAll(".", ""))
    .normalize("NFKD").replace(/[\p{M}\p{Cf}]/gu, "").toLowerCase()
    .replace(/[ßæœøłđ]/g, (c) => LETTERS[c])
    .replace(/&/g, " and ")
    .replace(/['’ʼ`´]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * Leading articles dropped for sorting, English, German, French and Spanish.
 * German `die` is left out on purpose: in an English library it is the verb
 * of "Die Hard"; so are indefinite articles other than English `a`/`an`
 * ("Un Prophète" sorts under U, which is also how it is shelved).
 */
const ARTICLE = /^(?:(?:the|a|an|der|das|le|la|les|el|los|las)\s+|l['’](?=\p{L}))/u;

/**
 * The sort title of a title: lower case, no diacritics, leading article
 * dropped, numbers padded to 6 digits (films matched on TMDb are sorted the same way).
 */
export function sortTitleOf(title: string): string {
  const lower = title.normalize("NFKD").replace(/[\p{M}\p{Cf}]/gu, "").toLowerCase()
    .replace(/^[^\p{L}\p{N}]+/u, "");
  const cut = lower.replace(ARTICLE, "");
  const folded = foldTitle(cut === "" || foldTitle(cut) === "" ? lower : cut);
  return (folded || lower).replace(/\d+/g, (d) => d.padStart(6, "0"));
}

export { type ParsedSubtitle, parseSubtitleName } from "./parse_subtitle.ts";
