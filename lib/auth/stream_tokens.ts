/**
 * Stream tokens: the credential a media URL carries (`?token=`), so a
 * player, a `<video>` element, hls.js or an external app (VLC, a TV) can
 * fetch a stream, its playlists, segments and subtitles without a cookie or
 * a header. A token is bound to one user and one media file and lives
 * {@linkcode STREAM_TOKEN_DEFAULT_TTL_SEC} by default (`auth.streamTokenTtlSec`):
 * long enough for the longest film with pauses, far shorter than a session.
 *
 * It works on no other route: the authentication middleware accepts it only
 * on a media path whose file id (`media_routes.ts` `mediaFileId`) is the
 * token's, answers 403 for a token of another file, and ignores it (401
 * without other credentials) everywhere else. The principal it gives has only
 * the playback permissions its user holds, so even a media route that asks
 * for more refuses it.
 *
 * `rvt_<user>.<file>.<expires>.<nonce>.<mac>`: the user and file ids as 32
 * hex digits (UUIDs without dashes), the expiry in Unix seconds (base 36),
 * a 64-bit random nonce (base64url, so two tokens are never alike and a
 * revocation list could name one), and HMAC-SHA-256 (base64url) over all of
 * them. Stateless: any instance on the database checks any other's tokens,
 * with a key made once per database and kept in `server_settings`, held as
 * a non-extractable WebCrypto key and never logged (as the device tokens).
 * Whether the user still exists, is enabled and may see the file's library
 * is checked on every request, as for a session.
 */
import { timingSafeEqual } from "node:crypto";
import type { ServerSettingsRepo } from "../db/server_settings_repo.ts";
import type { Clock } from "../model/clock.ts";

/** The default lifetime of a stream token: 6 hours. */
export const STREAM_TOKEN_DEFAULT_TTL_SEC = 6 * 3600;

/** The `server_settings` key of the signing key. */
export const STREAM_KEY_SETTING = "secret.stream_token_key";

/** What a genuine, unexpired token says. */
export interface StreamGrant {
  userId: string;
  fileId: string;
  expiresAt: Date;
}

/** Issues and checks stream tokens. */
export interface StreamTokens {
  /** Loads the signing key, generating it if the database has none; call before use. */
  start(): Promise<void>;
  /** A new token for `userId` to fetch `fileId`, valid for `ttlSec` (default: the configured). */
  issue(userId: string, fileId: string, ttlSec?: number): Promise<string>;
  /** What `token` grants, or undefined when it is malformed, tampered with or expired. */
  verify(token: string): Promise<StreamGrant | undefined>;
}

/** Dependencies of {@linkcode createStreamTokens}. */
export interface StreamTokenDeps {
  settings: ServerSettingsRepo;
  clock: Clock;
  /** Lifetime of issued tokens; default {@linkcode STREAM_TOKEN_DEFAULT_TTL_SEC}. */
  ttlSec?: number;
}

/** The token prefix. */
export const STREAM_TOKEN_PREFIX = "rvt_";

const SHAPE =
  /^rvt_([0-9a-f]{32})\.([0-9a-f]{32})\.([0-9a-z]{1,9})\.([A-Za-z0-9_-]{11})\.([A-Za-z0-9_-]{43})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64url(s: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}

const compact = (uuid: string) => uuid.toLowerCase().replace(/-/g, "");
const dashed = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;

/** True when `token` has the shape of a stream token (cheap check before any crypto). */
export function looksLikeStreamToken(token: string): boolean {
  return token.startsWith(STREAM_TOKEN_PREFIX) && SHAPE.test(token);
}

/** Creates the stream tokens; {@linkcode StreamTokens.start} loads the key. */
export function createStreamTokens(deps: StreamTokenDeps): StreamTokens {
  const defaultTtl = deps.ttlSec ?? STREAM_TOKEN_DEFAULT_TTL_SEC;
  let key: CryptoKey | undefined;

  async function mac(body: string): Promise<string> {
    if (!key) throw new Error("stream tokens used before start()");
    const data = new TextEncoder().encode(`revenge-stream-v1\0${body}`);
    return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, data)));
  }

  return {
    async start() {
      const fresh = base64url(crypto.getRandomValues(new Uint8Array(32)));
      const stored = await deps.settings.insertIfAbsent(
        STREAM_KEY_SETTING,
        fresh,
        deps.clock.now(),
      );
      const raw = typeof stored === "string" && /^[A-Za-z0-9_-]{43,}$/.test(stored)
        ? fromBase64url(stored)
        : undefined;
      // The value is not quoted: it is a secret.
      if (!raw) throw new Error(`server_settings ${STREAM_KEY_SETTING} is not a base64url key`);
      key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
      ]);
    },

    async issue(userId, fileId, ttlSec = defaultTtl) {
      if (!UUID.test(userId) || !UUID.test(fileId)) {
        throw new Error("stream tokens are issued for uuid user and file ids");
      }
      const expires = Math.floor(deps.clock.now().getTime() / 1000) + Math.max(1, ttlSec);
      const nonce = base64url(crypto.getRandomValues(new Uint8Array(8)));
      const body = `${compact(userId)}.${compact(fileId)}.${expires.toString(36)}.${nonce}`;
      return `${STREAM_TOKEN_PREFIX}${body}.${await mac(body)}`;
    },

    async verify(token) {
      const m = SHAPE.exec(token);
      if (!m || !key) return undefined;
      const [, user, file, expires, nonce, given] = m;
      const expiresSec = parseInt(expires, 36);
      if (!(expiresSec * 1000 > deps.clock.now().getTime())) return undefined;
      // The canonical encoding, compared in constant time.
      const expected = await mac(`${user}.${file}.${expires}.${nonce}`);
      const enc = new TextEncoder();
      if (!timingSafeEqual(enc.encode(expected), enc.encode(given))) return undefined;
      return { userId: dashed(user), fileId: dashed(file), expiresAt: new Date(expiresSec * 1000) };
    },
  };
}
