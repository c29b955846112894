/**
 * The verifiers of second factors, one per method, behind one interface:
 * the login step (`mfa_login.ts`) and fresh confirmations (`mfa_service.ts`)
 * only ever call {@linkcode SecondFactor.verify}. Each verifier uses its
 * proof up atomically in the caller's transaction (a TOTP time step, a
 * backup code, a passkey's single-use challenge), so the same proof never
 * works twice. The code methods take a string; the passkey takes its
 * assertion, with the relying party and the pending login its challenge was
 * made for ({@linkcode verifyProof} dispatches a {@linkcode MfaProof}).
 */
import type { Queryable, Sql } from "../db/client.ts";
import { createMfaRepo } from "../db/mfa_repo.ts";
import type { Clock } from "../model/clock.ts";
import type { AuditContext } from "../model/account.ts";
import type { CodeMfaMethod, MfaProof, PasskeyAssertion, RelyingParty } from "../model/mfa.ts";
import type { AuditService } from "./audit_service.ts";
import { verifyAssertion } from "./_passkey_ceremony.ts";
import { hashBackupCode } from "./backup_codes.ts";
import type { SecretBox } from "./secret_box.ts";
import { totpStep } from "./totp.ts";

/** One method of proving a second factor. */
export interface SecondFactor<P = string> {
  /**
   * Checks `proof` for `userId` and uses it up, in `q` (the caller's
   * transaction: if it rolls back, the proof is not used). False when refused.
   */
  verify(q: Queryable, userId: string, proof: P): Promise<boolean>;
}

/** A passkey's proof: the assertion, and what its challenge must have been made for. */
export interface PasskeyProof {
  assertion: PasskeyAssertion;
  rp: RelyingParty;
  /** The pending login whose second step this is. */
  pendingLoginId: string;
  ctx: AuditContext;
}

/** The verifiers, by method. */
export type SecondFactors = Record<CodeMfaMethod, SecondFactor> & {
  webauthn: SecondFactor<PasskeyProof>;
};

/** Dependencies of {@linkcode createSecondFactors}. */
export interface SecondFactorDeps {
  box: SecretBox;
  clock: Clock;
  /** The pool: passkey challenges are used up outside the caller's transaction. */
  sql: Sql;
  audit: AuditService;
}

/** Verifies `proof`, whatever its method; `pendingLoginId` scopes a passkey's challenge. */
export function verifyProof(
  factors: SecondFactors,
  q: Queryable,
  userId: string,
  proof: MfaProof,
  scope: { pendingLoginId: string; ctx: AuditContext },
): Promise<boolean> {
  return proof.method === "webauthn"
    ? factors.webauthn.verify(q, userId, { ...proof, ...scope })
    : factors[proof.method].verify(q, userId, proof.code);
}

/** The secret of a user's TOTP row, opened. */
export async function openTotpSecret(
  box: SecretBox,
  userId: string,
  row: { sealed: Uint8Array; keyId: string },
): Promise<string> {
  return new TextDecoder().decode(await box.open({ data: row.sealed, keyId: row.keyId }, userId));
}

/** Creates the verifiers. */
export function createSecondFactors(deps: SecondFactorDeps): SecondFactors {
  const { box, clock } = deps;
  return {
    totp: {
      async verify(q, userId, code) {
        const repo = createMfaRepo(q);
        const row = await repo.totp(userId);
        if (!row?.enabledAt) return false;
        const now = clock.now();
        const step = await totpStep(
          await openTotpSecret(box, userId, row),
          code,
          now,
          row.lastStep,
        );
        // The conditional update decides between concurrent uses of one step.
        return step !== undefined && await repo.useTotpStep(userId, step, now, false);
      },
    },
    backup_code: {
      verify: (q, userId, code) =>
        code.length > 64
          ? Promise.resolve(false)
          : createMfaRepo(q).takeBackupCode(userId, hashBackupCode(userId, code)),
    },
    webauthn: {
      async verify(q, userId, proof) {
        const r = await verifyAssertion(deps, q, {
          assertion: proof.assertion,
          rp: proof.rp,
          scope: { purpose: "mfa", userId, pendingLoginId: proof.pendingLoginId },
          userId,
          ctx: proof.ctx,
        });
        return r.ok;
      },
    },
  };
}
