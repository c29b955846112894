/**
 * Every API sub-app is made here, so all of them check input the same way
 * and contribute to one OpenAPI document: schema failures, and text that no
 * store can hold (NUL bytes, lone surrogates) in any body, query, path or
 * header value they read, become one {@linkcode ValidationError} naming the
 * fields.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type FieldIssue, ValidationError } from "../model/errors.ts";
import { findUnsafeText } from "../model/unsafe_text.ts";
import type { AppEnv } from "./types.ts";

/** What a validator hook sees of one validated part of the request. */
export interface ValidationResult {
  success: boolean;
  target: string;
  /** The parsed value on success, the raw input on failure. */
  data?: unknown;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}

/**
 * Query parameters whose percent-encoding is not UTF-8 (`%ED%A0%80`, a lone
 * surrogate as some clients encode it; `%FF`): the decoder would pass them
 * on undecoded, so they are refused here instead.
 */
function undecodableQuery(url: string): FieldIssue[] {
  const q = url.indexOf("?");
  if (q < 0) return [];
  const issues: FieldIssue[] = [];
  for (const pair of url.slice(q + 1).split("#")[0].split("&")) {
    const [k, v = ""] = pair.split("=", 2);
    for (const part of [k, v]) {
      try {
        decodeURIComponent(part.replaceAll("+", " "));
      } catch {
        issues.push({ path: `query.${k}`, message: "is not valid percent-encoded UTF-8" });
        break;
      }
    }
  }
  return issues;
}

/**
 * The field issues of a validation result: text no store can hold first,
 * then schema failures. `url` is the request's, for query parameters.
 */
export function validationIssues(result: ValidationResult, url?: string): FieldIssue[] {
  const target = result.target === "json" || result.target === "form" ? "body" : result.target;
  const issues = findUnsafeText(result.data, target);
  if (result.target === "query" && url) issues.push(...undecodableQuery(url));
  if (!result.success) {
    for (const i of result.error?.issues ?? []) {
      issues.push({ path: [target, ...i.path.map(String)].join("."), message: i.message });
    }
  }
  return issues;
}

/** Throws the {@linkcode ValidationError} for `issues`, if there are any. */
export function throwIssues(target: string, issues: FieldIssue[]): void {
  if (!issues.length) return;
  throw new ValidationError(
    `Invalid request ${target}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    { issues },
  );
}

/** The default validator hook: refuses unsafe text and schema failures. */
export function defaultValidationHook(result: ValidationResult, c: Context<AppEnv>): void {
  throwIssues(result.target, validationIssues(result, c.req.url));
}

/** Creates a router whose validation failures throw {@linkcode ValidationError}. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => defaultValidationHook(result as ValidationResult, c),
  });
}
