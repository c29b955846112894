/**
 * Secret tokens: 256 random bits, base64url, with a short prefix that says
 * what they are (`rvs_` session, `rvk_` API key, `rvr_` password reset,
 * `rvm_` a login waiting for its second factor) so a Bearer token can be
 * routed without a guess and leaked tokens are easy to recognise by secret
 * scanners. The authenticator accepts only `rvs_` and `rvk_`: a pending-MFA
 * token is no credential anywhere but `POST /api/v1/auth/mfa/verify`. Only their SHA-256 is ever stored: the token
 * has full entropy, so a fast hash is enough (a slow one would only slow
 * every request).
 */
import { createHash } from "node:crypto";

/** Token kinds and their prefixes. */
export const TOKEN_PREFIX = {
  session: "rvs_",
  apiKey: "rvk_",
  reset: "rvr_",
  mfa: "rvm_",
} as const;

/** Returns a new token of `kind`: prefix + 43 base64url characters (32 random bytes). */
export function newToken(kind: keyof typeof TOKEN_PREFIX): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return TOKEN_PREFIX[kind] + btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
}

/** SHA-256 of a token, as stored in the database. */
export function hashToken(token: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(token, "utf8").digest());
}

/**
 * SHA-256 of a token in hex: the key of the in-process caches. One call into
 * the hash, where {@linkcode hashToken} and a conversion cost three times as
 * much on every request.
 */
export function hashTokenHex(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The bytes of a {@linkcode hashTokenHex} value, as stored in the database. */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** True when `token` has the shape of a token of `kind` (cheap check before any lookup). */
export function looksLike(token: string, kind: keyof typeof TOKEN_PREFIX): boolean {
  return token.length === 47 && token.startsWith(TOKEN_PREFIX[kind]) &&
    /^[A-Za-z0-9_-]+$/.test(token.slice(4));
}
