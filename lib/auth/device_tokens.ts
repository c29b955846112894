/**
 * Device tokens, the value of the device cookie (OWASP "Slow Down Online
 * Guessing Attacks with Device Cookies"): proof that this client logged in to
 * an account before, which the login throttle checks before the password.
 *
 * `v1.<nonce>.<issued>.<mac>`: a 128-bit random nonce (base64url), the issue
 * time in Unix seconds, and HMAC-SHA-256 (base64url) over the version, the
 * nonce, the issue time and the lower-cased username. The username is bound
 * by the MAC but not written in the cookie, so the cookie does not tell whose
 * device it is. Tokens are stateless and live 400 days (the browsers' cap on
 * cookie lifetimes, enforced here too, for clients that ignore Max-Age).
 *
 * The lower-cased username rather than the user id: the throttle must decide
 * before anything is looked up. A renamed account's devices lose their
 * exemption; a later account given the old name would honour them, which
 * only spares those devices the account's back-off (they still have their
 * own), never lets anyone in.
 *
 * The key is 256 random bits made once per database and kept in
 * `server_settings`, so every instance on the database accepts every other's
 * tokens. It is held as a non-extractable WebCrypto key and never logged.
 */
import { timingSafeEqual } from "node:crypto";
import type { ServerSettingsRepo } from "../db/server_settings_repo.ts";
import type { Clock } from "../model/clock.ts";

/** How long a device token is honoured, in seconds: 400 days. */
export const DEVICE_TOKEN_MAX_AGE_SEC = 400 * 86_400;

/** The `server_settings` key of the signing key. */
export const DEVICE_KEY_SETTING = "secret.device_cookie_key";

/** Issues and checks device tokens. */
export interface DeviceTokens {
  /** Loads the signing key, generating it if the database has none; call before use. */
  start(): Promise<void>;
  /** A new token, with a fresh nonce, for the account `username`. */
  issue(username: string): Promise<string>;
  /**
   * The token's nonce when `token` is a genuine, unexpired device token for
   * the account `username`; undefined for anything else (absent, malformed,
   * tampered, expired, another account's).
   */
  verify(token: string | undefined, username: string): Promise<string | undefined>;
}

/** Dependencies of {@linkcode createDeviceTokens}. */
export interface DeviceTokenDeps {
  settings: ServerSettingsRepo;
  clock: Clock;
}

const SHAPE = /^v1\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
// Tokens from an instance whose clock runs a little ahead are still fine.
const SKEW_SEC = 300;

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64url(s: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}

/** Creates the device tokens; {@linkcode DeviceTokens.start} loads the key. */
export function createDeviceTokens(deps: DeviceTokenDeps): DeviceTokens {
  let key: CryptoKey | undefined;

  async function mac(username: string, nonce: string, issued: string): Promise<string> {
    if (!key) throw new Error("device tokens used before start()");
    // The username last: every part before it has a fixed alphabet without NUL, so no
    // two different inputs can be spelled alike.
    const data = new TextEncoder().encode(
      ["revenge-device-v1", nonce, issued, username.toLowerCase()].join("\0"),
    );
    return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, data)));
  }

  return {
    async start() {
      const fresh = base64url(crypto.getRandomValues(new Uint8Array(32)));
      const stored = await deps.settings.insertIfAbsent(
        DEVICE_KEY_SETTING,
        fresh,
        deps.clock.now(),
      );
      const raw = typeof stored === "string" && /^[A-Za-z0-9_-]{43,}$/.test(stored)
        ? fromBase64url(stored)
        : undefined;
      // The value is not quoted: it is a secret.
      if (!raw) throw new Error(`server_settings ${DEVICE_KEY_SETTING} is not a base64url key`);
      key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
      ]);
    },

    async issue(username) {
      const nonce = base64url(crypto.getRandomValues(new Uint8Array(16)));
      const issued = String(Math.floor(deps.clock.now().getTime() / 1000));
      return `v1.${nonce}.${issued}.${await mac(username, nonce, issued)}`;
    },

    async verify(token, username) {
      const m = token ? SHAPE.exec(token) : null;
      if (!m || !key) return undefined;
      const [, nonce, issued, given] = m;
      const age = Math.floor(deps.clock.now().getTime() / 1000) - Number(issued);
      if (age >= DEVICE_TOKEN_MAX_AGE_SEC || age < -SKEW_SEC) return undefined;
      // Comparing the canonical encoding, in constant time: a variant spelling of the
      // same MAC bytes (the last character's unused bits) is not accepted either.
      const expected = await mac(username, nonce, issued);
      const enc = new TextEncoder();
      return timingSafeEqual(enc.encode(expected), enc.encode(given)) ? nonce : undefined;
    },
  };
}
