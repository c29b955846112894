/**
 * Second factors as the rest of the code sees them: the methods, what a
 * user has enrolled, the pending step of a login, and the proofs a client
 * sends. A new method (passkeys: `"webauthn"`) is added to
 * {@linkcode MFA_METHODS}, gets a verifier in `lib/auth/mfa_factors.ts` and
 * a line in {@linkcode MfaState}; the login flow itself does not change.
 */

/** Every second-factor method, in the order a login offers them. */
export const MFA_METHODS = ["totp", "webauthn", "backup_code"] as const;
/** One of {@linkcode MFA_METHODS}. */
export type MfaMethod = typeof MFA_METHODS[number];

/**
 * Methods that make a second factor on their own. Backup codes only stand in
 * for a lost one: with nothing else enrolled they are not asked for.
 */
export const PRIMARY_MFA_METHODS: readonly MfaMethod[] = ["totp", "webauthn"];

/** The methods whose proof is a typed code (a passkey's is an assertion). */
export type CodeMfaMethod = Exclude<MfaMethod, "webauthn">;

/** What one user has enrolled, as stored. */
export interface MfaState {
  /** The user's switch (on with the first factor; `POST /api/v1/mfa/disable` turns it off). */
  enabled: boolean;
  totp: { enabled: boolean; pending: boolean; enabledAt: Date | null; lastUsedAt: Date | null };
  backupCodes: { remaining: number; generatedAt: Date | null };
  /** Registered passkeys that may still be used (one flagged as cloned is not counted). */
  passkeys: { count: number };
  /** Roles of the user that require a second factor. */
  requiredBy: string[];
}

/** The methods a login may be completed with, for `state`. */
export function usableMethods(state: MfaState): MfaMethod[] {
  const out: MfaMethod[] = [];
  if (state.totp.enabled) out.push("totp");
  if (state.passkeys.count > 0) out.push("webauthn");
  if (state.backupCodes.remaining > 0) out.push("backup_code");
  return out;
}

/** True when a primary factor is enrolled, whatever the switch says. */
export function hasPrimaryFactor(state: MfaState): boolean {
  return usableMethods(state).some((m) => PRIMARY_MFA_METHODS.includes(m));
}

/** True when logging in asks for a second factor. */
export function mfaActive(state: MfaState): boolean {
  return state.enabled && hasPrimaryFactor(state);
}

/** A user's second factors, as `GET /api/v1/mfa/status` shows them. */
export interface MfaStatus extends MfaState {
  /** Logging in asks for a second factor. */
  active: boolean;
  /** A role requires a second factor. */
  required: boolean;
  /** What a login may be completed with now. */
  methods: MfaMethod[];
}

/** The answer of a password login that waits for a second factor. */
export interface MfaChallenge {
  /** `rvm_…`: good for `POST /api/v1/auth/mfa/verify` only, once, for 5 minutes. */
  mfaToken: string;
  methods: MfaMethod[];
  expiresAt: Date;
}

/**
 * Where WebAuthn ceremonies happen: the origin the browser must report and
 * the RP ID (its host name) the authenticator scopes credentials to. Taken
 * from `REVENGE_PUBLIC_URL` (see `lib/http/relying_party.ts`).
 */
export interface RelyingParty {
  origin: string;
  rpId: string;
}

/**
 * A passkey assertion as the browser's `PublicKeyCredential.toJSON()` (and
 * `@simplewebauthn/browser`) gives it: binary fields base64url-encoded.
 */
export interface PasskeyAssertion {
  id: string;
  rawId: string;
  type: "public-key";
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string;
  };
  clientExtensionResults: Record<string, unknown>;
  authenticatorAttachment?: "platform" | "cross-platform";
}

/** A new passkey's attestation, as `PublicKeyCredential.toJSON()` gives it. */
export interface PasskeyAttestation {
  id: string;
  rawId: string;
  type: "public-key";
  response: {
    clientDataJSON: string;
    attestationObject: string;
    transports?: string[];
    [key: string]: unknown;
  };
  clientExtensionResults: Record<string, unknown>;
  authenticatorAttachment?: "platform" | "cross-platform";
}

/**
 * A second factor as a client sends it: a code, or a passkey's assertion
 * (with the relying party the request came through).
 */
export type MfaProof =
  | { method: CodeMfaMethod; code: string }
  | { method: "webauthn"; assertion: PasskeyAssertion; rp: RelyingParty };

/** A registered passkey, as its owner sees it (never its public key). */
export interface Passkey {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** `singleDevice` or `multiDevice` (synced). */
  deviceType: string;
  backedUp: boolean;
  transports: string[];
  /** Set when its signature counter went backwards: it is refused from then on. */
  possiblyClonedAt: Date | null;
}

/**
 * Proof of a fresh authentication for a sensitive change of one's factors:
 * the password, or a second factor. Both absent: the session itself must be
 * fresh (see `lib/auth/mfa_service.ts`).
 */
export interface StepUpProof {
  password?: string;
  method?: MfaMethod;
  code?: string;
}

/** The answer of TOTP setup: shown once. */
export interface TotpEnrolment {
  /** Base32, for typing into an authenticator app. */
  secret: string;
  /** `otpauth://totp/Revenge:<username>?secret=…&issuer=Revenge`. */
  uri: string;
  /** The URI as a QR code: a `data:image/svg+xml;base64,…` URL. */
  qr: string;
}
