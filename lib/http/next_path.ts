/**
 * The `next` parameter of the login and setup pages: where to go once logged
 * in. It is only ever a path on this server. Anything else (`https://evil.example`,
 * `//evil.example`, `/\evil.example`, which browsers read as `//evil.example`,
 * control characters, which browsers drop, so `/\t/evil.example` would become
 * `//evil.example` too) is replaced by `/`: an open redirect would let a link
 * to our login page send a user, freshly logged in, to a look-alike site.
 */

const BASE = "http://next.invalid";

/** `raw` when it is a path on this server, normalised; otherwise `/`. */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length > 2048) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.includes("\\")) return "/";
  // deno-lint-ignore no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = url.pathname + url.search + url.hash;
  // Dot segments can collapse into a network path: "/.//evil.example" is "//evil.example".
  return path.startsWith("//") ? "/" : path;
}

/** The login page's URL that leads back to `target` (a path and query). */
export function loginPath(target: string): string {
  const next = safeNextPath(target);
  return next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
}
