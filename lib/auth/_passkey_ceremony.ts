/**
 * The server side of WebAuthn ceremonies, shared by registration
 * (`passkey_service.ts`), the passwordless login (`passkey_login.ts`) and
 * the passkey as a second factor (`mfa_factors.ts`): challenges are made
 * here, stored, and taken back exactly once; assertions are checked here
 * with `@simplewebauthn/server`, always requiring user verification.
 *
 * A challenge is taken on the pool, not in the caller's transaction: a
 * response that fails must still use its challenge up, even though the
 * caller rolls back. For the same reason a counter that went backwards is
 * flagged and audited on the pool: the refusal must not undo the record.
 */
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
} from "@simplewebauthn/server";
import type { Queryable, Sql } from "../db/client.ts";
import {
  type ChallengePurpose,
  type ChallengeRecord,
  createWebauthnRepo,
  type PasskeyRecord,
} from "../db/webauthn_repo.ts";
import type { AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import type { PasskeyAssertion, RelyingParty } from "../model/mfa.ts";
import type { AuditService } from "./audit_service.ts";

/** How long a ceremony's challenge waits for its response. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** What the browser is told to wait (a little less than the challenge lives). */
export const CEREMONY_TIMEOUT_MS = 4 * 60_000;

/** The relying party's display name. */
export const RP_NAME = "Revenge";

/** What a challenge must have been made for. */
export interface ChallengeScope {
  purpose: ChallengePurpose;
  userId?: string;
  pendingLoginId?: string;
}

/** Dependencies of the ceremonies. */
export interface CeremonyDeps {
  sql: Sql;
  clock: Clock;
  audit: AuditService;
}

/** Stores a new challenge for `scope`. */
export async function storeChallenge(
  deps: CeremonyDeps,
  challenge: string,
  scope: ChallengeScope,
): Promise<void> {
  const now = deps.clock.now();
  await createWebauthnRepo(deps.sql).putChallenge({
    challenge,
    purpose: scope.purpose,
    userId: scope.userId ?? null,
    pendingLoginId: scope.pendingLoginId ?? null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
  });
}

/** The challenge a response's `clientDataJSON` carries, or undefined when unreadable. */
export function challengeOf(clientDataJSON: unknown): string | undefined {
  if (typeof clientDataJSON !== "string" || clientDataJSON.length > 8192) return undefined;
  try {
    const b64 = clientDataJSON.replace(/-/g, "+").replace(/_/g, "/");
    const data = JSON.parse(atob(b64 + "=".repeat((4 - b64.length % 4) % 4)));
    return typeof data?.challenge === "string" ? data.challenge : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes (uses up) the challenge of a response, whatever comes next; answers
 * it when it was made for `scope` and has not expired.
 */
export async function takeChallenge(
  deps: CeremonyDeps,
  clientDataJSON: unknown,
  scope: ChallengeScope,
): Promise<ChallengeRecord | undefined> {
  const challenge = challengeOf(clientDataJSON);
  if (!challenge) return undefined;
  const row = await createWebauthnRepo(deps.sql).takeChallenge(challenge);
  if (!row || row.purpose !== scope.purpose) return undefined;
  if (row.expiresAt.getTime() <= deps.clock.now().getTime()) return undefined;
  if (scope.userId !== undefined && row.userId !== scope.userId) return undefined;
  if (scope.pendingLoginId !== undefined && row.pendingLoginId !== scope.pendingLoginId) {
    return undefined;
  }
  return row;
}

/** Options for `navigator.credentials.get()`, with a stored challenge. */
export async function assertionOptions(
  deps: CeremonyDeps,
  rp: RelyingParty,
  scope: ChallengeScope,
  allow: PasskeyRecord[] = [],
) {
  const options = await generateAuthenticationOptions({
    rpID: rp.rpId,
    userVerification: "required",
    timeout: CEREMONY_TIMEOUT_MS,
    allowCredentials: allow.filter((p) => !p.possiblyClonedAt).map((p) => ({
      id: p.credentialId,
      transports: p.transports,
    })),
  });
  await storeChallenge(deps, options.challenge, scope);
  return options;
}

/** The outcome of {@linkcode verifyAssertion}. */
export type AssertionResult =
  | { ok: true; passkey: PasskeyRecord }
  | { ok: false; reason: string; passkey?: PasskeyRecord };

/**
 * Checks a passkey assertion against a challenge of `scope`, the relying
 * party and (when `userId` is given) the owner, and records its use in `q`.
 * Refusals carry a reason for the audit log, never for the client.
 */
export async function verifyAssertion(
  deps: CeremonyDeps,
  q: Queryable,
  input: {
    assertion: PasskeyAssertion;
    rp: RelyingParty;
    scope: ChallengeScope;
    userId?: string;
    ctx: AuditContext;
  },
): Promise<AssertionResult> {
  const { assertion, rp } = input;
  const challenge = await takeChallenge(deps, assertion.response?.clientDataJSON, input.scope);
  if (!challenge) return { ok: false, reason: "unknown, used or expired challenge" };
  const repo = createWebauthnRepo(q);
  const passkey = await repo.byCredentialId(assertion.id);
  if (!passkey) return { ok: false, reason: "unknown passkey" };
  if (input.userId !== undefined && passkey.userId !== input.userId) {
    return { ok: false, reason: "passkey of another user" };
  }
  if (passkey.possiblyClonedAt) {
    return { ok: false, reason: "passkey flagged as possibly cloned", passkey };
  }
  let info;
  try {
    const r = await verifyAuthenticationResponse({
      // The browser's JSON, checked field by field by the library.
      response: assertion as Parameters<typeof verifyAuthenticationResponse>[0]["response"],
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpId,
      // Counter 0 here: the library would throw on a regression before we
      // could tell it apart from other failures; it is compared below, once
      // the signature has proved the assertion came from the key.
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: 0,
      },
      requireUserVerification: true,
    });
    if (!r.verified) return { ok: false, reason: "assertion not verified", passkey };
    info = r.authenticationInfo;
  } catch (e) {
    return { ok: false, reason: `assertion refused: ${(e as Error).message}`, passkey };
  }
  const counter = info.newCounter;
  const now = deps.clock.now();
  if ((counter > 0 || passkey.counter > 0) && counter <= passkey.counter) {
    const store = createWebauthnRepo(deps.sql);
    await store.flagCloned(passkey.id, now);
    await deps.audit.record(deps.sql, { ...input.ctx, actorId: null, actorName: null }, {
      action: "mfa.webauthn.cloned",
      targetType: "user",
      targetId: passkey.userId,
      details: {
        passkeyId: passkey.id,
        name: passkey.name,
        counter,
        storedCounter: passkey.counter,
      },
    });
    return { ok: false, reason: "signature counter went backwards", passkey };
  }
  if (!await repo.used(passkey.id, passkey.counter, counter, now)) {
    return { ok: false, reason: "passkey changed meanwhile", passkey };
  }
  return { ok: true, passkey };
}
