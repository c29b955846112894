/**
 * The one lookup of UI strings, the choice of language, and formatting of
 * dates, numbers and runtimes for it through `Intl`. Runs on the server and
 * in islands (it imports nothing but the catalogues).
 */
import { en, type MessageKey } from "./en.ts";
import { de } from "./de.ts";

export type { MessageKey };

/** The languages the UI speaks. */
export const LANGUAGES = ["en", "de"] as const;
/** One of {@linkcode LANGUAGES}. */
export type Lang = typeof LANGUAGES[number];

const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { en, de };

/** True for a language the UI speaks. */
export function isLang(x: unknown): x is Lang {
  return typeof x === "string" && (LANGUAGES as readonly string[]).includes(x);
}

/** The message `key` in `lang`, its `{name}` parameters filled in (as text, never as markup). */
export function t(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const message = CATALOGUES[lang][key] ?? en[key];
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (m, name) => name in params ? String(params[name]) : m);
}

/**
 * The language of a page: the user's setting when it is one the UI speaks,
 * else the first `Accept-Language` entry (by quality) we speak, else English.
 */
export function pickLanguage(setting: string | null | undefined, acceptLanguage?: string): Lang {
  if (isLang(setting)) return setting;
  const wanted = (acceptLanguage ?? "").split(",").map((part, i) => {
    const [tag, ...rest] = part.trim().split(";");
    const q = rest.map((r) => /^\s*q=([\d.]+)\s*$/.exec(r)?.[1]).find(Boolean);
    return { base: tag.toLowerCase().split("-")[0], q: q === undefined ? 1 : Number(q), i };
  }).filter((w) => w.base && w.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  return wanted.map((w) => w.base).find(isLang) ?? "en";
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: Lang, options: Intl.NumberFormatOptions = {}) {
  const key = lang + JSON.stringify(options);
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, f = new Intl.NumberFormat(lang, options));
  return f;
}

/** A number as `lang` writes it (`1,234.5` / `1.234,5`). */
export function formatNumber(lang: Lang, n: number, options?: Intl.NumberFormatOptions): string {
  return numberFormat(lang, options).format(n);
}

/** A date (a `Date` or ISO text) as `lang` writes it, e.g. `3 Dec 2026` / `3. Dez. 2026`. */
export function formatDate(lang: Lang, d: Date | string): string {
  const date = typeof d === "string" ? new Date(d.length === 10 ? d + "T00:00:00Z" : d) : d;
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

/** A runtime in minutes as hours and minutes (`2 hr, 5 min` / `2 Std., 5 Min.`). */
export function formatRuntime(lang: Lang, minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  const unit = (value: number, u: "hour" | "minute") =>
    numberFormat(lang, { style: "unit", unit: u, unitDisplay: "short" }).format(value);
  if (!h) return unit(m, "minute");
  if (!m) return unit(h, "hour");
  return `${unit(h, "hour")} ${unit(m, "minute")}`;
}

/** A byte count in decimal units, as the unit names say (`1.4 GB` is 1.4 × 10⁹ bytes). */
export function formatBytes(lang: Lang, bytes: number): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;
  let i = 0;
  let v = bytes;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return numberFormat(lang, {
    style: "unit",
    unit: units[i],
    unitDisplay: "short",
    maximumFractionDigits: i ? 1 : 0,
  }).format(v);
}
