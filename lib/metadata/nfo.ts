/**
 * Kodi `.nfo` files next to a film: `<name>.nfo` or `movie.nfo`, either
 * Kodi's XML (`<movie><title>…<uniqueid type="tmdb">603</uniqueid>…`) or a
 * text whose only useful content is a themoviedb.org / imdb.com link (the
 * "URL nfo" Kodi also reads, and the link scene release `.nfo` files carry
 * in their ASCII art). Read-only: Revenge never writes one unless a setting
 * asks (not here).
 *
 * The disk holds whatever users and release groups put there, so nothing
 * here throws: a file that is too big (over {@linkcode NFO_MAX_BYTES}, not
 * read at all), binary, not XML and without a link, or says nothing useful
 * gives null. XML is read with `fast-xml-parser` (no DTD, no external
 * entities: a `<!DOCTYPE>` is cut before parsing, and the size cap bounds
 * the rest).
 */
import { XMLParser } from "fast-xml-parser";
import type { NfoInfo } from "../model/metadata.ts";

/** Larger files are not read: a Kodi nfo is a few KB (with every thumb URL, some 100 KB). */
export const NFO_MAX_BYTES = 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
});

const TMDB_URL = /themoviedb\.org\/(?:[a-z]{2}(?:-[A-Z]{2})?\/)?movie\/(\d{1,10})/i;
const IMDB_URL = /imdb\.com\/(?:[a-z]{2}\/)?title\/(tt\d{7,8})/i;
const IMDB_ID = /^tt\d{7,8}$/i;

/**
 * The `.nfo` for the video `videoBaseName` (its file name without the
 * extension) in `dir`: `<name>.nfo` first (exact, then ignoring case; a
 * multi-part file's `-cd1` suffix may be left off), then `movie.nfo`. Null
 * when there is none or `dir` cannot be read.
 */
export async function findNfo(dir: string, videoBaseName: string): Promise<string | null> {
  const nfos: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if ((e.isFile || e.isSymlink) && /\.nfo$/i.test(e.name)) nfos.push(e.name);
    }
  } catch {
    return null;
  }
  const stack = videoBaseName.replace(/[\s._-]*(?:cd|dvd|dis[ck]|part|pt)[\s._-]*\d{1,2}$/i, "");
  const wanted = [`${videoBaseName}.nfo`, `${stack}.nfo`, "movie.nfo"];
  for (const name of wanted) {
    const exact = nfos.find((n) => n === name) ??
      nfos.find((n) => n.toLowerCase() === name.toLowerCase());
    if (exact) return `${dir.replace(/\/+$/, "")}/${exact}`;
  }
  return null;
}

/**
 * Reads the `.nfo` at `path` ({@linkcode parseNfo}); null when it is
 * missing, not a file, larger than {@linkcode NFO_MAX_BYTES}, binary, or
 * says nothing. Never throws.
 */
export async function readNfo(path: string): Promise<NfoInfo | null> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile || info.size > NFO_MAX_BYTES) return null;
    using file = await Deno.open(path);
    const buf = new Uint8Array(Math.min(info.size, NFO_MAX_BYTES) + 1);
    let n = 0;
    while (n < buf.length) {
      const r = await file.read(buf.subarray(n));
      if (r === null) break;
      n += r;
    }
    // Grew past the cap between stat and read.
    if (n > NFO_MAX_BYTES) return null;
    const text = decode(buf.subarray(0, n));
    return text === null ? null : parseNfo(text);
  } catch {
    return null;
  }
}

/** Text from bytes: UTF-8 or UTF-16 by BOM, else UTF-8, else Windows-1252; null for binary. */
function decode(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  let controls = 0;
  for (const b of bytes) {
    if (b === 0) return null;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) controls++;
  }
  if (controls > bytes.length / 100 + 2) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Old nfo files and scene ASCII art are often in a legacy code page.
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/**
 * What an nfo's text says: Kodi's `<movie>` fields (`title`,
 * `originaltitle`, `sorttitle`, `year` or else `premiered`'s year, `plot` or
 * else `outline`, `tagline`, `runtime` in minutes, `genre`s, ids from
 * `<uniqueid type="tmdb|imdb">`, `<tmdbid>`, `<imdbid>`, `<imdb>` and `<id>`
 * (a `tt` id is IMDb's, a number TMDb's, as Kodi's TMDb scraper writes it)),
 * plus a themoviedb.org or imdb.com link anywhere in the text. Null when
 * nothing is found. Never throws.
 */
export function parseNfo(text: string): NfoInfo | null {
  const out: NfoInfo = {};
  try {
    if (/<movie[\s>]/i.test(text)) readXml(text, out);
  } catch {
    // Malformed XML: only the links below are taken.
  }
  const tmdb = TMDB_URL.exec(text);
  if (out.tmdbId === undefined && tmdb) setTmdb(out, tmdb[1]);
  const imdb = IMDB_URL.exec(text);
  if (out.imdbId === undefined && imdb) out.imdbId = imdb[1].toLowerCase();
  return Object.keys(out).length > 0 ? out : null;
}

type Node = string | number | boolean | { [key: string]: unknown } | Node[] | null | undefined;

function readXml(text: string, out: NfoInfo): void {
  const xml = text.replace(/<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>/gi, "");
  const doc = parser.parse(xml) as Record<string, unknown>;
  const key = Object.keys(doc).find((k) => k.toLowerCase() === "movie");
  const movie = key ? first(doc[key] as Node) : null;
  if (!movie || typeof movie !== "object" || Array.isArray(movie)) return;
  const get = (name: string): Node[] => {
    const k = Object.keys(movie).find((x) => x.toLowerCase() === name);
    if (!k) return [];
    const v = movie[k] as Node;
    return Array.isArray(v) ? v : [v];
  };
  const str = (name: string): string | undefined => {
    for (const v of get(name)) {
      const s = textOf(v);
      if (s) return s;
    }
    return undefined;
  };

  for (const u of get("uniqueid")) {
    const type = typeof u === "object" && u && !Array.isArray(u) ? String(u["@type"] ?? "") : "";
    const value = textOf(u);
    if (!value) continue;
    if (/^tmdb$/i.test(type)) setTmdb(out, value);
    else if (/^imdb$/i.test(type) && IMDB_ID.test(value)) out.imdbId ??= value.toLowerCase();
  }
  const tmdbid = str("tmdbid");
  if (tmdbid) setTmdb(out, tmdbid);
  for (const name of ["imdbid", "imdb", "id"]) {
    const v = str(name);
    if (v && IMDB_ID.test(v)) out.imdbId ??= v.toLowerCase();
    else if (v && name === "id") setTmdb(out, v);
  }

  const title = str("title");
  if (title) out.title = title;
  const original = str("originaltitle");
  if (original) out.originalTitle = original;
  const sort = str("sorttitle");
  if (sort) out.sortTitle = sort;
  const year = Number(str("year") ?? /^(\d{4})/.exec(str("premiered") ?? "")?.[1]);
  if (Number.isInteger(year) && year >= 1870 && year <= 2100) out.year = year;
  const plot = str("plot") ?? str("outline");
  if (plot) out.plot = plot;
  const tagline = str("tagline");
  if (tagline) out.tagline = tagline;
  const runtime = Number(/^\s*(\d{1,4})/.exec(str("runtime") ?? "")?.[1]);
  if (Number.isInteger(runtime) && runtime > 0) out.runtimeMinutes = runtime;
  // Old Kodi versions wrote several genres in one element, "Action / Drama".
  const genres = get("genre").flatMap((g) => (textOf(g) ?? "").split(/\s*\/\s*/))
    .filter((g) => g !== "");
  if (genres.length) out.genres = [...new Set(genres)];
}

function setTmdb(out: NfoInfo, value: string): void {
  if (out.tmdbId !== undefined || !/^\d{1,10}$/.test(value.trim())) return;
  const n = Number(value);
  if (n > 0 && Number.isSafeInteger(n)) out.tmdbId = n;
}

function first(v: Node): Node {
  return Array.isArray(v) ? v[0] : v;
}

/** An element's text: its string, or `#text` when it has attributes; trimmed, null when empty. */
function textOf(v: Node): string | null {
  let s: unknown = v;
  if (s && typeof s === "object" && !Array.isArray(s)) s = (s as Record<string, unknown>)["#text"];
  if (typeof s === "number" || typeof s === "boolean") s = String(s);
  if (typeof s !== "string") return null;
  const t = s.replace(/\s+/g, " ").trim();
  return t === "" ? null : t;
}
