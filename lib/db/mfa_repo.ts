/**
 * SQL of a user's second factors: `mfa_totp`, `mfa_backup_codes` and the
 * switch `users.mfa_enabled` (passkeys are in `webauthn_repo.ts`; they are
 * counted here). The conditional updates and deletes here are
 * what make a code work once under concurrency: the second of two requests
 * with the same code waits for the first one's row lock, then finds nothing
 * left to change.
 */
import type { Queryable } from "./client.ts";
import type { MfaState } from "../model/mfa.ts";

/** A stored TOTP secret. */
export interface TotpRecord {
  sealed: Uint8Array;
  keyId: string;
  enabledAt: Date | null;
  lastStep: number;
}

/** The MFA repository. */
export interface MfaRepo {
  state(userId: string): Promise<MfaState>;
  totp(userId: string): Promise<TotpRecord | undefined>;
  /** Stores a new, not yet enabled secret, replacing one waiting for its first code. */
  putPendingTotp(userId: string, sealed: Uint8Array, keyId: string, now: Date): Promise<boolean>;
  /**
   * Accepts a code of time step `step`: raises `last_step` to it if it is
   * higher, and enables a pending secret when `enable`. False when another
   * request used this step or a later one first (replay).
   */
  useTotpStep(userId: string, step: number, now: Date, enable: boolean): Promise<boolean>;
  deleteTotp(userId: string): Promise<boolean>;
  /** How many secrets were sealed with the key `keyId`. */
  countTotpByKey(keyId: string): Promise<number>;
  /** Replaces the user's backup codes; returns how many were replaced. */
  replaceBackupCodes(userId: string, hashes: Uint8Array[], now: Date): Promise<number>;
  /** Deletes the code with this hash; false when there is none (wrong or used). */
  takeBackupCode(userId: string, hash: Uint8Array): Promise<boolean>;
  deleteBackupCodes(userId: string): Promise<number>;
  setEnabled(userId: string, enabled: boolean): Promise<void>;
}

/**
 * SQL: true when user `u` has a primary second factor enrolled. The one
 * definition (the permission cache reads it too): an enabled TOTP secret, or
 * a passkey not flagged as cloned.
 */
export function hasPrimaryFactorSql(q: Queryable) {
  return q`(exists (select 1 from mfa_totp t where t.user_id = u.id and t.enabled_at is not null)
    or exists (select 1 from webauthn_credentials w
               where w.user_id = u.id and w.cloned_at is null))`;
}

/** Creates the MFA repository on a pool or transaction. */
export function createMfaRepo(q: Queryable): MfaRepo {
  return {
    async state(userId) {
      const [r] = await q<
        {
          enabled: boolean;
          totpEnabledAt: Date | null;
          totpPending: boolean;
          totpLastUsedAt: Date | null;
          remaining: number;
          passkeys: number;
          generatedAt: Date | null;
          requiredBy: string[];
        }[]
      >`
        select u.mfa_enabled as enabled,
          t.enabled_at as "totpEnabledAt",
          (t.user_id is not null and t.enabled_at is null) as "totpPending",
          t.last_used_at as "totpLastUsedAt",
          (select count(*)::int from mfa_backup_codes b where b.user_id = u.id) as remaining,
          (select count(*)::int from webauthn_credentials w
            where w.user_id = u.id and w.cloned_at is null) as passkeys,
          (select max(b.created_at) from mfa_backup_codes b where b.user_id = u.id)
            as "generatedAt",
          array(select ro.name from user_roles ur join roles ro on ro.name = ur.role_name
                where ur.user_id = u.id and ro.require_mfa order by ro.name) as "requiredBy"
        from users u left join mfa_totp t on t.user_id = u.id
        where u.id = ${userId}`;
      if (!r) {
        return {
          enabled: false,
          totp: { enabled: false, pending: false, enabledAt: null, lastUsedAt: null },
          backupCodes: { remaining: 0, generatedAt: null },
          passkeys: { count: 0 },
          requiredBy: [],
        };
      }
      return {
        enabled: r.enabled,
        totp: {
          enabled: r.totpEnabledAt !== null,
          pending: r.totpPending,
          enabledAt: r.totpEnabledAt,
          lastUsedAt: r.totpLastUsedAt,
        },
        backupCodes: { remaining: r.remaining, generatedAt: r.generatedAt },
        passkeys: { count: r.passkeys },
        requiredBy: r.requiredBy,
      };
    },
    async totp(userId) {
      const [r] = await q<TotpRecord[]>`
        select secret_sealed as sealed, key_id as "keyId", enabled_at as "enabledAt",
          last_step::float8 as "lastStep"
        from mfa_totp where user_id = ${userId}`;
      return r && { ...r, sealed: new Uint8Array(r.sealed) };
    },
    async putPendingTotp(userId, sealed, keyId, now) {
      // ON CONFLICT ... WHERE: a pending secret is replaced, an enabled one never.
      const rows = await q`
        insert into mfa_totp (user_id, secret_sealed, key_id, created_at)
        values (${userId}, ${sealed}, ${keyId}, ${now})
        on conflict (user_id) do update
          set secret_sealed = excluded.secret_sealed, key_id = excluded.key_id,
              created_at = excluded.created_at, last_step = -1, last_used_at = null
          where mfa_totp.enabled_at is null
        returning user_id`;
      return rows.length === 1;
    },
    async useTotpStep(userId, step, now, enable) {
      const rows = enable
        ? await q`
            update mfa_totp set last_step = ${step}, last_used_at = ${now}, enabled_at = ${now}
            where user_id = ${userId} and enabled_at is null and last_step < ${step}
            returning user_id`
        : await q`
            update mfa_totp set last_step = ${step}, last_used_at = ${now}
            where user_id = ${userId} and enabled_at is not null and last_step < ${step}
            returning user_id`;
      return rows.length === 1;
    },
    async deleteTotp(userId) {
      const rows = await q`delete from mfa_totp where user_id = ${userId} returning user_id`;
      return rows.length === 1;
    },
    async countTotpByKey(keyId) {
      const [r] = await q<{ n: number }[]>`
        select count(*)::int as n from mfa_totp where key_id = ${keyId}`;
      return r.n;
    },
    async replaceBackupCodes(userId, hashes, now) {
      const old = await q`delete from mfa_backup_codes where user_id = ${userId} returning user_id`;
      if (hashes.length) {
        await q`insert into mfa_backup_codes ${
          q(hashes.map((h) => ({ user_id: userId, code_hash: h, created_at: now })))
        }`;
      }
      return old.length;
    },
    async takeBackupCode(userId, hash) {
      const rows = await q`
        delete from mfa_backup_codes where user_id = ${userId} and code_hash = ${hash}
        returning user_id`;
      return rows.length === 1;
    },
    async deleteBackupCodes(userId) {
      const rows = await q`delete from mfa_backup_codes where user_id = ${userId} returning 1`;
      return rows.length;
    },
    async setEnabled(userId, enabled) {
      await q`update users set mfa_enabled = ${enabled} where id = ${userId}`;
    },
  };
}
