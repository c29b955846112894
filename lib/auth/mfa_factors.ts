/**
 * The verifiers of second factors, one per method, behind one interface:
 * the login step (`mfa_login.ts`) and fresh confirmations (`mfa_service.ts`)
 * only ever call {@linkcode SecondFactor.verify}. Each verifier uses its
 * proof up atomically in the caller's transaction (a TOTP time step, a
 * backup code), so the same proof never works twice. Passkeys join as a
 * `webauthn` verifier whose proof is the assertion.
 */
import type { Queryable } from "../db/client.ts";
import { createMfaRepo } from "../db/mfa_repo.ts";
import type { Clock } from "../model/clock.ts";
import type { MfaMethod } from "../model/mfa.ts";
import { hashBackupCode } from "./backup_codes.ts";
import type { SecretBox } from "./secret_box.ts";
import { totpStep } from "./totp.ts";

/** One method of proving a second factor. */
export interface SecondFactor {
  /**
   * Checks `proof` for `userId` and uses it up, in `q` (the caller's
   * transaction: if it rolls back, the proof is not used). False when refused.
   */
  verify(q: Queryable, userId: string, proof: string): Promise<boolean>;
}

/** The verifiers, by method. */
export type SecondFactors = Record<MfaMethod, SecondFactor>;

/** Dependencies of {@linkcode createSecondFactors}. */
export interface SecondFactorDeps {
  box: SecretBox;
  clock: Clock;
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
  };
}
