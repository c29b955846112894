/**
 * Value schemas for configuration keys. Each accepts a value as it comes
 * from the JSON config file (numbers, booleans, arrays) or from an
 * environment variable (always a string), and gives it one type: `port: 80`
 * and `REVENGE_PORT=80` are the same number. Every way to miss gives one
 * message that says what is expected.
 */
import { z } from "zod";
import { isIP } from "node:net";

function custom<T>(message: string, parse: (v: unknown) => T | undefined): z.ZodType<T> {
  return z.unknown().transform((v, ctx) => {
    const out = parse(v);
    if (out === undefined) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return out;
  }) as unknown as z.ZodType<T>;
}

function toInteger(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === "string" && /^\s*\d+\s*$/.test(v)) return Number(v);
  return undefined;
}

/** An integer in [min, max]. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER, what = "an integer") {
  const message = max === Number.MAX_SAFE_INTEGER
    ? `must be ${what} of at least ${min}`
    : `must be ${what} from ${min} to ${max}`;
  return custom(message, (v) => {
    const n = toInteger(v);
    return n !== undefined && n >= min && n <= max ? n : undefined;
  });
}

/** `true`/`false` (also `1`/`0`, `yes`/`no` in the environment). */
export function bool() {
  return custom("must be true or false", (v) => {
    if (typeof v === "boolean") return v;
    if (typeof v !== "string") return undefined;
    const s = v.trim().toLowerCase();
    if (["true", "1", "yes"].includes(s)) return true;
    if (["false", "0", "no"].includes(s)) return false;
    return undefined;
  });
}

/** A non-empty string. */
export function text(message = "must not be empty") {
  return custom(message, (v) => (typeof v === "string" && v.trim() !== "" ? v : undefined));
}

/** A string matching `pattern`. */
export function matching(pattern: RegExp, message: string) {
  return custom(message, (v) => (typeof v === "string" && pattern.test(v) ? v : undefined));
}

/** One of `values`. */
export function oneOf<const T extends readonly string[]>(values: T) {
  return custom<T[number]>(
    `must be one of ${values.join(", ")}`,
    (v) => (typeof v === "string" && values.includes(v.trim()) ? v.trim() : undefined),
  );
}

/** A URL whose scheme is one of `protocols` (`"https:"`). */
export function url(protocols: string[]) {
  return custom(
    `must be a URL starting with ${protocols.map((p) => p + "//").join(" or ")}`,
    (v) => {
      if (typeof v !== "string") return undefined;
      try {
        return protocols.includes(new URL(v).protocol) ? v : undefined;
      } catch {
        return undefined;
      }
    },
  );
}

/** An IP address or CIDR range. */
export function cidr() {
  return matchingFn("must be an IP address or CIDR range such as 10.0.0.0/8", (v) => {
    const [ip, bits, ...rest] = v.split("/");
    if (rest.length || !isIP(ip)) return false;
    if (bits === undefined) return true;
    const n = Number(bits);
    return /^\d+$/.test(bits) && n >= 0 && n <= (isIP(ip) === 4 ? 32 : 128);
  });
}

function matchingFn(message: string, ok: (v: string) => boolean) {
  return custom(message, (v) => (typeof v === "string" && ok(v) ? v : undefined));
}

/**
 * A list: a JSON array in the file, comma-separated in the environment
 * (`REVENGE_TRUSTED_PROXIES=10.0.0.0/8,192.168.1.1`). Each item is checked
 * by `item`; the message names the first bad one.
 */
export function list<T>(item: z.ZodType<T>) {
  return z.unknown().transform((v, ctx) => {
    const raw = typeof v === "string"
      ? v.split(",").map((p) => p.trim()).filter(Boolean)
      : Array.isArray(v)
      ? v
      : undefined;
    if (!raw) {
      ctx.addIssue({
        code: "custom",
        message: "must be a list (comma-separated, or a JSON array)",
      });
      return z.NEVER;
    }
    const out: T[] = [];
    for (const x of raw) {
      const r = item.safeParse(typeof x === "string" ? x.trim() : x);
      if (!r.success) {
        ctx.addIssue({
          code: "custom",
          message: `item ${JSON.stringify(x)} ${r.error.issues[0]?.message ?? "is invalid"}`,
        });
        return z.NEVER;
      }
      out.push(r.data);
    }
    return out;
  });
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The unit a duration key is given in (and a bare number means). */
export type DurationUnit = keyof typeof UNIT_MS;

/**
 * A duration, as a whole number of `unit`: a bare number is in `unit`
 * (`REVENGE_SESSION_IDLE_SEC=3600`), or a string of number-unit pairs
 * (`"7d"`, `"1h30m"`, `"500ms"`), converted and rounded to `unit`.
 */
export function duration(unit: DurationUnit, min = 0) {
  const message = `must be a duration of at least ${min} ${unit}: a number of ${unit}, ` +
    `or e.g. "90s", "15m", "12h", "7d"`;
  return custom(message, (v) => {
    let ms: number | undefined;
    const n = toInteger(v);
    if (n !== undefined) ms = n * UNIT_MS[unit];
    else if (typeof v === "string") {
      const s = v.trim().toLowerCase();
      if (/^(\d+(ms|s|m|h|d))+$/.test(s)) {
        ms = 0;
        for (const [, num, u] of s.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
          ms += Number(num) * UNIT_MS[u as DurationUnit];
        }
      }
    }
    if (ms === undefined) return undefined;
    const out = Math.round(ms / UNIT_MS[unit]);
    return Number.isSafeInteger(out) && out >= min ? out : undefined;
  });
}
