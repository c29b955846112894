/**
 * Where a page sends someone after they sign in: `?next=`, accepted only as
 * a path on this server. Anything else (`https://evil.example`,
 * `//evil.example`, `/\evil.example`, which browsers read as `//evil.example`,
 * control characters, which browsers drop, so `/\t/evil.example` would become
 * `//evil.example` too, dot segments that collapse into `//`) is replaced by
 * the fallback: an open redirect would let a link to our login page send a
 * user, freshly signed in, to a look-alike site. The login, setup and logout
 * pages themselves are refused too (a loop). Shared by the server (redirects)
 * and the login island.
 */

const BASE = "http://next.invalid";

/** `next`, normalised, when it is a safe path on this server; else `fallback`. */
export function safeNext(next: unknown, fallback = "/"): string {
  if (typeof next !== "string" || next.length > 2048) return fallback;
  if (!next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return fallback;
  // deno-lint-ignore no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = url.pathname + url.search + url.hash;
  if (path.startsWith("//")) return fallback;
  // Sending someone back to the login or setup page after login would loop.
  if (/^\/(login|setup|logout)(?:[/?#]|$)/.test(path)) return fallback;
  return path;
}

/** The login page's URL that brings the user back to `target` (a path and query) afterwards. */
export function loginUrl(target: string): string {
  const next = safeNext(target, "");
  return next && next !== "/" ? `/login?next=${encodeURIComponent(next)}` : "/login";
}
