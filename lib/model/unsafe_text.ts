/**
 * Text that no store or log can hold: NUL bytes (PostgreSQL's `text` and
 * `jsonb` refuse them) and lone UTF-16 surrogates (not Unicode at all; they
 * cannot be encoded as UTF-8). Input carrying them is refused at the edge,
 * once, with the field named; text we keep from elsewhere is made safe with
 * {@linkcode safeText}.
 */
import type { FieldIssue } from "./errors.ts";

/** What is wrong with such text, for a field issue. */
export const UNSAFE_TEXT_MESSAGE = "must not contain NUL bytes or unpaired UTF-16 surrogates";

/** True when `s` holds a NUL byte or a lone surrogate. */
export function isUnsafeText(s: string): boolean {
  return s.includes("\0") || !s.isWellFormed();
}

/**
 * The field issues for every string (object keys included) in `value`,
 * walked up to `maxDepth` levels, under `prefix` (`body`, `query`...).
 */
export function findUnsafeText(value: unknown, prefix: string, maxDepth = 64): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (typeof v === "string") {
      if (isUnsafeText(v)) issues.push({ path, message: UNSAFE_TEXT_MESSAGE });
    } else if (v !== null && typeof v === "object" && depth < maxDepth) {
      const entries = Array.isArray(v)
        ? v.map((x, i) => [String(i), x] as const)
        : Object.entries(v);
      for (const [k, x] of entries) {
        const at = `${path}.${isUnsafeText(k) ? safeText(k) : k}`;
        if (isUnsafeText(k)) issues.push({ path: at, message: UNSAFE_TEXT_MESSAGE });
        walk(x, at, depth + 1);
      }
    }
  };
  walk(value, prefix, 0);
  return issues;
}

/** `s` with NUL bytes and lone surrogates replaced by U+FFFD, safe to store and log. */
export function safeText(s: string): string {
  return s.replaceAll("\0", "\uFFFD").toWellFormed();
}
