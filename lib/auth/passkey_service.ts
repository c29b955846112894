/**
 * One's own passkeys (`/api/v1/mfa/webauthn/*`): registration (options,
 * then the attestation), list, rename, delete. A passkey is a primary
 * second factor: the first one turns the MFA switch on, like TOTP's first
 * code. Registration and deletion need a session and a fresh confirmation
 * (`_fresh_auth.ts`); user verification is required; a credential id that
 * is registered already, by anyone, is refused. Every change is audited in
 * its transaction and invalidates the user's cached access.
 */
import { generateRegistrationOptions, verifyRegistrationResponse } from "@simplewebauthn/server";
import type { Sql } from "../db/client.ts";
import { createMfaRepo } from "../db/mfa_repo.ts";
import { createSessionRepo } from "../db/session_repo.ts";
import { createWebauthnRepo, type PasskeyRecord } from "../db/webauthn_repo.ts";
import type { AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../model/errors.ts";
import {
  hasPrimaryFactor,
  mfaActive,
  type Passkey,
  type PasskeyAttestation,
  type RelyingParty,
  type StepUpProof,
} from "../model/mfa.ts";
import type { Principal } from "../model/permissions.ts";
import type { AccessCache } from "./access_cache.ts";
import type { AuditService } from "./audit_service.ts";
import { transact } from "./transact.ts";
import type { FreshAuth } from "./_fresh_auth.ts";
import {
  CEREMONY_TIMEOUT_MS,
  RP_NAME,
  storeChallenge,
  takeChallenge,
} from "./_passkey_ceremony.ts";

/** How many passkeys one user may register. */
export const MAX_PASSKEYS = 20;

/** Dependencies of {@linkcode createPasskeyService}. */
export interface PasskeyServiceDeps {
  sql: Sql;
  clock: Clock;
  cache: AccessCache;
  audit: AuditService;
  freshAuth: FreshAuth;
}

/** The passkey service. */
export interface PasskeyService {
  /** Options for `navigator.credentials.create()`, with a stored challenge. */
  registrationOptions(
    principal: Principal,
    proof: StepUpProof,
    ctx: AuditContext,
    rp: RelyingParty,
  ): Promise<Record<string, unknown>>;
  /** Verifies the attestation of a registration and stores the passkey. */
  register(
    principal: Principal,
    input: { response: PasskeyAttestation; name?: string },
    ctx: AuditContext,
    rp: RelyingParty,
  ): Promise<Passkey>;
  list(principal: Principal): Promise<Passkey[]>;
  rename(principal: Principal, id: string, name: string, ctx: AuditContext): Promise<Passkey>;
  remove(principal: Principal, id: string, proof: StepUpProof, ctx: AuditContext): Promise<void>;
}

/** A stored passkey as its owner sees it. */
export function passkeyInfo(r: PasskeyRecord): Passkey {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
    deviceType: r.deviceType,
    backedUp: r.backedUp,
    transports: r.transports,
    possiblyClonedAt: r.possiblyClonedAt,
  };
}

/** The 16 bytes of a UUID: the WebAuthn user handle (no name or address in it). */
export function userHandle(userId: string): Uint8Array<ArrayBuffer> {
  const hex = userId.replace(/-/g, "");
  return new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)));
}

function sessionOnly(principal: Principal): string {
  if (!principal.sessionId) {
    throw new ForbiddenError("Passkeys are managed from a signed-in session, not an API key.");
  }
  return principal.sessionId;
}

const REFUSED = "The passkey could not be verified; try again.";

/** Creates the passkey service. */
export function createPasskeyService(deps: PasskeyServiceDeps): PasskeyService {
  const { sql, clock, cache, audit } = deps;
  const event = (userId: string) => ({ targetType: "user" as const, targetId: userId });

  async function refuse(ctx: AuditContext, userId: string, reason: string): Promise<never> {
    await audit.record(sql, ctx, {
      action: "mfa.webauthn.refused",
      ...event(userId),
      details: { reason },
    });
    throw reason === "already registered"
      ? new ConflictError("This passkey is registered already.")
      : new ValidationError(REFUSED, { issues: [{ path: "body.response", message: reason }] });
  }

  return {
    async registrationOptions(principal, proof, ctx, rp) {
      sessionOnly(principal);
      const state = await createMfaRepo(sql).state(principal.userId);
      const existing = await createWebauthnRepo(sql).forUser(principal.userId);
      if (existing.length >= MAX_PASSKEYS) {
        throw new ConflictError(`At most ${MAX_PASSKEYS} passkeys; delete one first.`);
      }
      await deps.freshAuth(principal, proof, ctx, {
        mfaActive: mfaActive(state),
        purpose: "webauthn.register",
      });
      const options = await generateRegistrationOptions({
        rpName: RP_NAME,
        rpID: rp.rpId,
        userName: principal.username,
        userID: userHandle(principal.userId),
        attestationType: "none",
        timeout: CEREMONY_TIMEOUT_MS,
        // Discoverable ("resident") and user-verified: a passkey that logs in on its own.
        authenticatorSelection: { residentKey: "required", userVerification: "required" },
        excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
      });
      await storeChallenge(deps, options.challenge, {
        purpose: "register",
        userId: principal.userId,
      });
      return { ...options };
    },

    async register(principal, input, ctx, rp) {
      const sessionId = sessionOnly(principal);
      const userId = principal.userId;
      const challenge = await takeChallenge(deps, input.response?.response?.clientDataJSON, {
        purpose: "register",
        userId,
      });
      if (!challenge) return await refuse(ctx, userId, "unknown, used or expired challenge");
      let info;
      try {
        const r = await verifyRegistrationResponse({
          response: input.response as Parameters<
            typeof verifyRegistrationResponse
          >[0]["response"],
          expectedChallenge: challenge.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.rpId,
          requireUserVerification: true,
        });
        if (!r.verified) return await refuse(ctx, userId, "attestation not verified");
        info = r.registrationInfo;
      } catch (e) {
        return await refuse(ctx, userId, `attestation refused: ${(e as Error).message}`);
      }
      const now = clock.now();
      const count = (await createWebauthnRepo(sql).forUser(userId)).length;
      const name = input.name?.trim() || `Passkey ${count + 1}`;
      const stored = await transact(sql, cache, async (tx, invalidate) => {
        const repo = createWebauthnRepo(tx);
        const row = await repo.insert({
          userId,
          credentialId: info.credential.id,
          publicKey: info.credential.publicKey,
          counter: info.credential.counter,
          transports: info.credential.transports ?? [],
          name,
          aaguid: info.aaguid,
          deviceType: info.credentialDeviceType,
          backedUp: info.credentialBackedUp,
          now,
        });
        if (!row) return undefined;
        await createMfaRepo(tx).setEnabled(userId, true);
        // The session just proved the passkey, user verification included.
        await createSessionRepo(tx).markMfa(sessionId, "webauthn", now);
        invalidate({ kind: "user", id: userId });
        await audit.record(tx, ctx, {
          action: "mfa.webauthn.registered",
          ...event(userId),
          details: { passkeyId: row.id, name, deviceType: row.deviceType },
        });
        return row;
      });
      if (!stored) return await refuse(ctx, userId, "already registered");
      return passkeyInfo(stored);
    },

    async list(principal) {
      return (await createWebauthnRepo(sql).forUser(principal.userId)).map(passkeyInfo);
    },

    async rename(principal, id, name, ctx) {
      sessionOnly(principal);
      return await transact(sql, cache, async (tx) => {
        const row = await createWebauthnRepo(tx).rename(principal.userId, id, name.trim());
        if (!row) throw new NotFoundError("No such passkey.");
        await audit.record(tx, ctx, {
          action: "mfa.webauthn.renamed",
          ...event(principal.userId),
          details: { passkeyId: id, name: row.name },
        });
        return passkeyInfo(row);
      });
    },

    async remove(principal, id, proof, ctx) {
      sessionOnly(principal);
      const userId = principal.userId;
      const s = await createMfaRepo(sql).state(userId);
      const mine = await createWebauthnRepo(sql).forUser(userId);
      const target = mine.find((p) => p.id === id);
      if (!target) throw new NotFoundError("No such passkey.");
      const left = mine.filter((p) => p.id !== id && !p.possiblyClonedAt).length;
      const others = { ...s, passkeys: { count: left } };
      if (s.requiredBy.length && !hasPrimaryFactor(others)) {
        throw new ConflictError(
          `Your role${s.requiredBy.length > 1 ? "s" : ""} ${s.requiredBy.join(", ")} ` +
            "require a second factor; enrol another one before removing this one.",
        );
      }
      await deps.freshAuth(principal, proof, ctx, {
        mfaActive: mfaActive(s),
        purpose: "webauthn.delete",
      });
      await transact(sql, cache, async (tx, invalidate) => {
        const row = await createWebauthnRepo(tx).delete(userId, id);
        if (!row) throw new NotFoundError("No such passkey.");
        const off = s.enabled && !hasPrimaryFactor(others);
        if (off) await createMfaRepo(tx).setEnabled(userId, false);
        invalidate({ kind: "user", id: userId });
        await audit.record(tx, ctx, {
          action: "mfa.webauthn.deleted",
          ...event(userId),
          details: { passkeyId: id, name: row.name, ...(off ? { mfaEnabled: false } : {}) },
        });
      });
    },
  };
}
