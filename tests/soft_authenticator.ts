/**
 * A software WebAuthn authenticator for API tests: ES256 keys from WebCrypto,
 * attestations with fmt "none" (CBOR built here), authenticator data built by
 * hand. Every part a browser or authenticator would fill in can be
 * overridden, so a test can send a validly signed response that is wrong in
 * exactly one way (origin, RP ID hash, user verification, counter), or a
 * bad signature.
 */

type Cbor = number | string | Uint8Array | CborMap | { [key: string]: Cbor };
interface CborMap extends Map<Cbor, Cbor> {}

function head(major: number, n: number): number[] {
  if (n < 24) return [(major << 5) | n];
  if (n < 256) return [(major << 5) | 24, n];
  if (n < 65536) return [(major << 5) | 25, n >> 8, n & 255];
  return [(major << 5) | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Encodes the CBOR subset WebAuthn uses: integers, text, bytes and maps. */
export function cbor(v: Cbor): Uint8Array {
  const out: number[] = [];
  const put = (x: Cbor) => {
    if (typeof x === "number") out.push(...(x >= 0 ? head(0, x) : head(1, -1 - x)));
    else if (typeof x === "string") {
      const b = new TextEncoder().encode(x);
      out.push(...head(3, b.length), ...b);
    } else if (x instanceof Uint8Array) out.push(...head(2, x.length), ...x);
    else {
      const entries = x instanceof Map ? [...x.entries()] : Object.entries(x);
      out.push(...head(5, entries.length));
      for (const [k, val] of entries) {
        put(k);
        put(val);
      }
    }
  };
  put(v);
  return new Uint8Array(out);
}

/** base64url without padding. */
export function b64u(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes base64url. */
export function fromB64u(s: string): Uint8Array {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - b64.length % 4) % 4)), (c) => c.charCodeAt(0));
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
};

const sha256 = async (b: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", b as Uint8Array<ArrayBuffer>));

/** IEEE P1363 r||s (WebCrypto) to the ASN.1 DER that WebAuthn's ES256 signatures use. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.slice(i);
    if (v[0] & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

/** What a test may change in a response. */
export interface Tweaks {
  origin?: string;
  /** The RP ID whose hash goes into the authenticator data. */
  rpId?: string;
  /** User verified (default true). */
  uv?: boolean;
  /** The signature counter to report (default: the next one). */
  counter?: number;
  /** Flip a bit of the signature. */
  badSignature?: boolean;
  /** Sign this challenge instead of the options'. */
  challenge?: string;
}

/** A software authenticator holding one discoverable ES256 credential. */
export class SoftAuthenticator {
  credentialId = crypto.getRandomValues(new Uint8Array(32));
  counter = 0;
  userHandle?: string;
  #keys?: CryptoKeyPair;

  constructor(public origin: string, public rpId: string) {}

  async #authData(tweaks: Tweaks, flags: number, counter: number, attested?: Uint8Array) {
    const rpIdHash = await sha256(new TextEncoder().encode(tweaks.rpId ?? this.rpId));
    const f = flags | 0x01 | (tweaks.uv === false ? 0 : 0x04) | (attested ? 0x40 : 0);
    const c = new Uint8Array([
      counter >>> 24,
      (counter >> 16) & 255,
      (counter >> 8) & 255,
      counter & 255,
    ]);
    return concat(rpIdHash, new Uint8Array([f]), c, attested ?? new Uint8Array());
  }

  #clientData(type: string, challenge: string, tweaks: Tweaks) {
    return new TextEncoder().encode(JSON.stringify({
      type,
      challenge: tweaks.challenge ?? challenge,
      origin: tweaks.origin ?? this.origin,
      crossOrigin: false,
    }));
  }

  /** The response to registration options (`navigator.credentials.create()`). */
  async attest(options: { challenge: string; user: { id: string } }, tweaks: Tweaks = {}) {
    this.#keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ]);
    this.userHandle = options.user.id;
    const jwk = await crypto.subtle.exportKey("jwk", this.#keys.publicKey);
    const cose = cbor(
      new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, fromB64u(jwk.x!)], [
        -3,
        fromB64u(jwk.y!),
      ]]),
    );
    const attested = concat(
      new Uint8Array(16),
      new Uint8Array([this.credentialId.length >> 8, this.credentialId.length & 255]),
      this.credentialId,
      cose,
    );
    const authData = await this.#authData(tweaks, 0, tweaks.counter ?? 0, attested);
    const clientDataJSON = this.#clientData("webauthn.create", options.challenge, tweaks);
    const attestationObject = cbor({ fmt: "none", attStmt: {}, authData });
    return {
      id: b64u(this.credentialId),
      rawId: b64u(this.credentialId),
      type: "public-key" as const,
      response: {
        clientDataJSON: b64u(clientDataJSON),
        attestationObject: b64u(attestationObject),
        transports: ["internal"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
    };
  }

  /** The response to request options (`navigator.credentials.get()`). */
  async assert(options: { challenge: string }, tweaks: Tweaks = {}) {
    if (!this.#keys) throw new Error("attest first");
    const counter = tweaks.counter ?? ++this.counter;
    const authData = await this.#authData(tweaks, 0, counter);
    const clientDataJSON = this.#clientData("webauthn.get", options.challenge, tweaks);
    const signed = concat(authData, await sha256(clientDataJSON));
    const raw = new Uint8Array(
      await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        this.#keys.privateKey,
        signed as Uint8Array<ArrayBuffer>,
      ),
    );
    const signature = derSignature(raw);
    if (tweaks.badSignature) signature[signature.length - 1] ^= 1;
    return {
      id: b64u(this.credentialId),
      rawId: b64u(this.credentialId),
      type: "public-key" as const,
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform" as const,
    };
  }
}
