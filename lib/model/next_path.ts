/**
 * Where a page sends someone after they sign in: `?next=`, accepted only as
 * a path on this server, so a link cannot send anyone to another site
 * (`//evil.example`, `/\evil.example`, `https://…` and control characters
 * are refused). Shared by the server (redirects) and the login island.
 */

/** `next` when it is a safe relative path, else `fallback`. */
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  if (!next || next.length > 2048) return fallback;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
  // Sending someone back to the login or setup page after login would loop.
  if (/^\/(login|setup|logout)(?:[/?#]|$)/.test(next)) return fallback;
  return next;
}

/** The login page's URL that brings the user back to `path` afterwards. */
export function loginUrl(path: string): string {
  const next = safeNext(path, "");
  return next && next !== "/" ? `/login?next=${encodeURIComponent(next)}` : "/login";
}
