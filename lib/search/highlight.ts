/**
 * Highlights of the words a query matched, the same for both engines: the
 * field's text HTML-escaped, each word that starts with a query word
 * (ignoring case and accents) wrapped in `<mark>`. Words matched only by
 * typo tolerance are not marked.
 */

/** One highlighted field of a result. */
export interface Highlight {
  field: "title" | "originalTitle" | "overview";
  /** HTML: escaped text with `<mark>` around matched words. */
  snippet: string;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The words of a query, folded. */
export function queryWords(text: string): string[] {
  return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 16);
}

/** `text` with its matched words marked, or null when none matched. */
export function markWords(text: string, words: string[], maxChars = Infinity): string | null {
  if (!words.length) return null;
  let out = "";
  let matched = false;
  let firstMatch = -1;
  const parts = text.split(/([\p{L}\p{N}]+)/u);
  let at = 0;
  for (const part of parts) {
    const isWord = /^[\p{L}\p{N}]+$/u.test(part);
    const f = isWord ? fold(part) : "";
    if (isWord && words.some((w) => f.startsWith(w) || (w.length > 3 && f.includes(w)))) {
      if (firstMatch < 0) firstMatch = at;
      matched = true;
      out += `<mark>${escapeHtml(part)}</mark>`;
    } else out += escapeHtml(part);
    at += part.length;
  }
  if (!matched) return null;
  if (text.length <= maxChars) return out;
  // A long overview: the part around the first match, cut at word boundaries.
  const start = Math.max(0, firstMatch - 40);
  const slice = text.slice(start, start + maxChars);
  return (start > 0 ? "…" : "") + (markWords(slice, words) ?? escapeHtml(slice)) + "…";
}

/** The highlights of a film for a query. */
export function highlightsOf(
  film: { title: string; originalTitle: string | null; overview: string | null },
  text: string,
): Highlight[] {
  const words = queryWords(text);
  const out: Highlight[] = [];
  const add = (field: Highlight["field"], value: string | null, max?: number) => {
    const snippet = value ? markWords(value, words, max) : null;
    if (snippet) out.push({ field, snippet });
  };
  add("title", film.title);
  add("originalTitle", film.originalTitle);
  add("overview", film.overview, 160);
  return out;
}
