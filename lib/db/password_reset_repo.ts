/** SQL of the `password_reset_tokens` table. */
import type { Queryable } from "./client.ts";

/** A stored reset token (without its hash). */
export interface PasswordResetRecord {
  id: string;
  userId: string;
  expiresAt: Date;
}

/** The password reset repository. */
export interface PasswordResetRepo {
  /** Replaces any earlier token of the user: only the newest link works. */
  replace(r: {
    userId: string;
    tokenHash: Uint8Array;
    createdBy: string | null;
    now: Date;
    expiresAt: Date;
  }): Promise<void>;
  /** Deletes and returns the token with this hash (one use). */
  take(hash: Uint8Array): Promise<PasswordResetRecord | undefined>;
  deleteForUser(userId: string): Promise<void>;
  deleteExpired(now: Date): Promise<void>;
}

/** Creates the password reset repository on a pool or transaction. */
export function createPasswordResetRepo(q: Queryable): PasswordResetRepo {
  return {
    async replace(r) {
      await q`delete from password_reset_tokens where user_id = ${r.userId}`;
      await q`
        insert into password_reset_tokens (user_id, token_hash, created_by, created_at, expires_at)
        values (${r.userId}, ${r.tokenHash}, ${r.createdBy}, ${r.now}, ${r.expiresAt})`;
    },
    async take(hash) {
      const [r] = await q<PasswordResetRecord[]>`
        delete from password_reset_tokens where token_hash = ${hash}
        returning id, user_id as "userId", expires_at as "expiresAt"`;
      return r;
    },
    async deleteForUser(userId) {
      await q`delete from password_reset_tokens where user_id = ${userId}`;
    },
    async deleteExpired(now) {
      await q`delete from password_reset_tokens where expires_at <= ${now}`;
    },
  };
}
