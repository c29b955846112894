/**
 * Encryption at rest of second-factor secrets: AES-256-GCM (WebCrypto) with
 * a fresh 96-bit nonce per seal and the owner as additional data, so a
 * sealed secret copied onto another user's row does not open.
 *
 * The key lives outside the database, on purpose: encryption at rest is
 * against a leaked dump or backup, and a key stored beside the ciphertext
 * would leak with it. It comes from `REVENGE_SECRET_KEY`, else the file
 * `auth.secretKeyFile`, else `<data dir>/secret.key`, created once (0600).
 * AES and fingerprint keys are derived from it with HKDF-SHA-256, so the
 * same configured key can serve other purposes later without reuse.
 *
 * Several instances share one database, so they must share the key: a key
 * file per data dir would give each its own. The database remembers the
 * fingerprint of the key its secrets are sealed with (`server_settings`
 * `secret.mfa_key_id`; a fingerprint, never the key). An instance with
 * another key logs an error at start and answers 503 to anything that needs
 * a secret, naming the cause, instead of calling every right code wrong.
 * When no secret sealed with the recorded key is left (a lost key, after an
 * administrator reset the users' factors), the next key to start takes over;
 * every seal checks the record first, so two keys never both seal.
 */
import type { ServerSettingsRepo } from "../db/server_settings_repo.ts";
import type { Clock } from "../model/clock.ts";
import { UnavailableError } from "../model/errors.ts";
import type { Logger } from "../observability/logger.ts";

/** The `server_settings` key of the fingerprint of the sealing key. */
export const KEY_ID_SETTING = "secret.mfa_key_id";

/** Where the key comes from. */
export interface SecretKeySource {
  /** `REVENGE_SECRET_KEY`: 32 bytes, hex or base64. */
  key?: string;
  /** `auth.secretKeyFile`: must exist. */
  keyFile?: string;
  /** The data dir, for `secret.key` when neither is set. */
  dataDir: string;
}

/** A sealed secret and the fingerprint of its key. */
export interface Sealed {
  data: Uint8Array;
  keyId: string;
}

/** Seals and opens secrets. */
export interface SecretBox {
  /** Loads the key and checks it against the database's; call before use. */
  start(): Promise<void>;
  seal(plain: Uint8Array, owner: string): Promise<Sealed>;
  open(sealed: Sealed, owner: string): Promise<Uint8Array>;
}

/** Dependencies of {@linkcode createSecretBox}. */
export interface SecretBoxDeps {
  source: SecretKeySource;
  settings: ServerSettingsRepo;
  /** How many secrets are sealed with the key of this fingerprint. */
  sealedWith(keyId: string): Promise<number>;
  clock: Clock;
  logger: Logger;
}

const MISMATCH = "Second factors are unavailable on this server instance: its secret key " +
  "(REVENGE_SECRET_KEY, auth.secretKeyFile or <data dir>/secret.key) is not the key the " +
  "database's secrets are encrypted with. Every instance must be configured with the same key.";
const NOT_STARTED = "The secret key is not loaded yet.";

/** Decodes a key as configured: 64 hex digits or base64(url) of 32 bytes. */
export function decodeKey(text: string): Uint8Array<ArrayBuffer> | undefined {
  const s = text.trim();
  if (/^[0-9A-Fa-f]{64}$/.test(s)) {
    return Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));
  }
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) return undefined;
  const bytes = Uint8Array.from(
    atob(s.replace(/-/g, "+").replace(/_/g, "/").replace(/=$/, "") + "="),
    (c) => c.charCodeAt(0),
  );
  return bytes.length === 32 ? bytes : undefined;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

async function readKeyFile(path: string, create: boolean, logger: Logger): Promise<Uint8Array> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound) || !create) {
      throw new Error(`secret key file ${path}: ${(e as Error).message}`);
    }
    const fresh = base64url(crypto.getRandomValues(new Uint8Array(32)));
    try {
      // createNew: of two processes racing on one data dir, one writes and both read it.
      await Deno.writeTextFile(path, fresh + "\n", { createNew: true, mode: 0o600 });
      logger.info("secret key created", { path });
    } catch (e2) {
      if (!(e2 instanceof Deno.errors.AlreadyExists)) throw e2;
    }
    text = await Deno.readTextFile(path);
  }
  const key = decodeKey(text);
  // The file's content is not quoted: it is (or was meant to be) a secret.
  if (!key) throw new Error(`secret key file ${path} does not hold 32 bytes in hex or base64`);
  const mode = (await Deno.stat(path)).mode;
  if (mode !== null && (mode & 0o077) !== 0) {
    logger.warn("secret key file is readable by others; chmod 600 it", { path });
  }
  return key;
}

async function derive(master: Uint8Array<ArrayBuffer>) {
  const base = await crypto.subtle.importKey("raw", master, "HKDF", false, [
    "deriveKey",
    "deriveBits",
  ]);
  const params = (info: string) => ({
    name: "HKDF",
    hash: "SHA-256",
    salt: new TextEncoder().encode("revenge"),
    info: new TextEncoder().encode(info),
  });
  const aes = await crypto.subtle.deriveKey(
    params("revenge/mfa-secrets/v1"),
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
  const id = new Uint8Array(await crypto.subtle.deriveBits(params("revenge/key-id/v1"), base, 64));
  return { aes, keyId: Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("") };
}

/** Creates the secret box; {@linkcode SecretBox.start} loads the key. */
export function createSecretBox(deps: SecretBoxDeps): SecretBox {
  const { source, settings, logger } = deps;
  let aes: CryptoKey | undefined;
  let keyId = "";
  let mismatch = false;

  function ready(): CryptoKey {
    if (mismatch) throw new UnavailableError(MISMATCH);
    if (!aes) throw new UnavailableError(NOT_STARTED);
    return aes;
  }
  const aad = (owner: string) => new TextEncoder().encode(`revenge-mfa-v1\0${owner}`);

  return {
    async start() {
      const configured = source.key === undefined ? undefined : decodeKey(source.key);
      if (source.key !== undefined && !configured) throw new Error("REVENGE_SECRET_KEY is invalid");
      const master = configured ??
        await readKeyFile(
          source.keyFile ?? `${source.dataDir}/secret.key`,
          source.keyFile === undefined,
          logger,
        );
      ({ aes, keyId } = await derive(master as Uint8Array<ArrayBuffer>));
      const now = deps.clock.now();
      let claimed = await settings.insertIfAbsent(KEY_ID_SETTING, keyId, now);
      if (claimed !== keyId && await deps.sealedWith(String(claimed)) === 0) {
        // Nothing is sealed with the recorded key any more: this key takes over.
        claimed = await settings.replaceIf(KEY_ID_SETTING, claimed, keyId, now);
      }
      mismatch = claimed !== keyId;
      if (mismatch) {
        logger.error("secret key mismatch: second factors unavailable on this instance", {
          expectedKeyId: String(claimed),
          keyId,
        });
      }
    },

    async seal(plain, owner) {
      const key = ready();
      // Another key may have taken over since start (when nothing was sealed): never mix keys.
      if (await settings.get(KEY_ID_SETTING) !== keyId) {
        mismatch = true;
        logger.error("secret key mismatch: second factors unavailable on this instance", { keyId });
        throw new UnavailableError(MISMATCH);
      }
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: "AES-GCM", iv, additionalData: aad(owner) },
          key,
          plain as Uint8Array<ArrayBuffer>,
        ),
      );
      const data = new Uint8Array(iv.length + ct.length);
      data.set(iv);
      data.set(ct, iv.length);
      return { data, keyId };
    },

    async open(sealed, owner) {
      const key = ready();
      if (sealed.keyId !== keyId) throw new UnavailableError(MISMATCH);
      const d = sealed.data as Uint8Array<ArrayBuffer>;
      return new Uint8Array(
        await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: d.subarray(0, 12), additionalData: aad(owner) },
          key,
          d.subarray(12),
        ),
      );
    },
  };
}
