/**
 * Shared by the plain-form pages (`login.tsx`, `setup.tsx`): reading a
 * posted form's text fields, and turning a domain error into the form shown
 * again with its message (the one status mapping of `problem.ts`).
 */
import type { Context } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { DomainError, RateLimitedError } from "../lib/model/errors.ts";
import { domainStatus } from "../lib/http/problem.ts";
import { throwIssues } from "../lib/http/router.ts";
import { findUnsafeText } from "../lib/model/unsafe_text.ts";

/** The named text fields of a posted form, "" when absent. */
export async function formFields<K extends string>(
  c: Context<AppEnv>,
  names: readonly K[],
): Promise<Record<K, string>> {
  const form = await c.req.parseBody();
  const out = {} as Record<K, string>;
  for (const n of names) out[n] = typeof form[n] === "string" ? form[n] as string : "";
  return out;
}

/** Throws the ValidationError for text no store can hold (NUL, lone surrogates), as the API does. */
export function refuseUnsafeText(fields: Record<string, string>): void {
  throwIssues("body", findUnsafeText(fields, "body"));
}

/** Status, message and headers of a refused form post; other errors are rethrown. */
export function formError(e: unknown): { status: number; message: string; headers: Headers } {
  if (!(e instanceof DomainError)) throw e;
  const headers = new Headers();
  if (e instanceof RateLimitedError) headers.set("retry-after", String(e.retryAfterSeconds));
  return { status: domainStatus(e), message: e.message, headers };
}
