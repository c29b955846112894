/** SQL of `mfa_pending_logins`: logins waiting for their second factor. */
import type { Queryable } from "./client.ts";

/** A pending login (without its token hash). */
export interface PendingLogin {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  clientIp: string | null;
  userAgent: string | null;
  deviceNonce: string | null;
}

/** The pending-login repository. */
export interface MfaPendingLoginRepo {
  insert(p: Omit<PendingLogin, "id"> & { tokenHash: Uint8Array }): Promise<PendingLogin>;
  byTokenHash(hash: Uint8Array): Promise<PendingLogin | undefined>;
  /**
   * Deletes and returns the pending login with this hash: the one use of its
   * token. A concurrent second `take` waits for the first's transaction and
   * then finds nothing, unless the first rolled back.
   */
  take(hash: Uint8Array): Promise<PendingLogin | undefined>;
  deleteForUser(userId: string): Promise<number>;
  deleteExpired(now: Date): Promise<number>;
}

const COLUMNS = (q: Queryable) =>
  q`id, user_id as "userId", created_at as "createdAt", expires_at as "expiresAt",
    client_ip as "clientIp", user_agent as "userAgent", device_nonce as "deviceNonce"`;

/** Creates the pending-login repository on a pool or transaction. */
export function createMfaPendingLoginRepo(q: Queryable): MfaPendingLoginRepo {
  return {
    async insert(p) {
      const [r] = await q<PendingLogin[]>`
        insert into mfa_pending_logins (user_id, token_hash, created_at, expires_at, client_ip,
                                        user_agent, device_nonce)
        values (${p.userId}, ${p.tokenHash}, ${p.createdAt}, ${p.expiresAt}, ${p.clientIp},
                ${p.userAgent}, ${p.deviceNonce})
        returning ${COLUMNS(q)}`;
      return r;
    },
    async byTokenHash(hash) {
      const [r] = await q<PendingLogin[]>`
        select ${COLUMNS(q)} from mfa_pending_logins where token_hash = ${hash}`;
      return r;
    },
    async take(hash) {
      const [r] = await q<PendingLogin[]>`
        delete from mfa_pending_logins where token_hash = ${hash} returning ${COLUMNS(q)}`;
      return r;
    },
    async deleteForUser(userId) {
      const rows = await q`delete from mfa_pending_logins where user_id = ${userId} returning 1`;
      return rows.length;
    },
    async deleteExpired(now) {
      const rows = await q`delete from mfa_pending_logins where expires_at <= ${now} returning 1`;
      return rows.length;
    },
  };
}
