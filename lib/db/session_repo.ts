/** SQL of the `sessions` table. */
import type { Queryable } from "./client.ts";
import type { Session } from "../model/account.ts";
import { columns, type LastUse } from "./_last_use.ts";

export type { LastUse };

/** The session repository. */
export interface SessionRepo {
  insert(s: {
    userId: string;
    tokenHash: Uint8Array;
    now: Date;
    expiresAt: Date;
    clientIp: string | null;
    userAgent: string | null;
    /** The second factor this login passed, if any. */
    mfaMethod?: string | null;
  }): Promise<Session>;
  byTokenHash(hash: Uint8Array): Promise<Session | undefined>;
  byId(id: string): Promise<Session | undefined>;
  /** Records that the session proved a second factor just now. */
  markMfa(id: string, method: string, now: Date): Promise<void>;
  listForUser(userId: string): Promise<Session[]>;
  /**
   * Records uses in one statement; a use older than what is stored changes
   * nothing (instances write independently), a gone session is skipped.
   */
  touchMany(uses: readonly LastUse[]): Promise<void>;
  /** Deletes one session of `userId`; false when it is not theirs or gone. */
  delete(id: string, userId: string): Promise<boolean>;
  /** Deletes the user's sessions except `keepId`; returns the deleted ids. */
  deleteForUser(userId: string, keepId?: string): Promise<string[]>;
  /** Deletes sessions past their absolute or idle end; returns the deleted ids. */
  deleteExpired(now: Date, idleSince: Date): Promise<string[]>;
}

const COLUMNS = (q: Queryable) =>
  q`id, user_id as "userId", created_at as "createdAt", last_seen_at as "lastSeenAt",
    expires_at as "expiresAt", client_ip as "clientIp", user_agent as "userAgent",
    mfa_method as "mfaMethod", mfa_at as "mfaAt"`;

/** Creates the session repository on a pool or transaction. */
export function createSessionRepo(q: Queryable): SessionRepo {
  return {
    async insert(s) {
      const [r] = await q<Session[]>`
        insert into sessions (user_id, token_hash, created_at, last_seen_at, expires_at,
                              client_ip, user_agent, mfa_method, mfa_at)
        values (${s.userId}, ${s.tokenHash}, ${s.now}, ${s.now}, ${s.expiresAt},
                ${s.clientIp}, ${s.userAgent}, ${s.mfaMethod ?? null},
                ${s.mfaMethod ? s.now : null})
        returning ${COLUMNS(q)}`;
      return r;
    },
    async byTokenHash(hash) {
      const [r] = await q<Session[]>`
        select ${COLUMNS(q)} from sessions where token_hash = ${hash}`;
      return r;
    },
    async byId(id) {
      const [r] = await q<Session[]>`select ${COLUMNS(q)} from sessions where id = ${id}`;
      return r;
    },
    async markMfa(id, method, now) {
      await q`update sessions set mfa_method = ${method}, mfa_at = ${now} where id = ${id}`;
    },
    listForUser(userId) {
      return q<Session[]>`
        select ${COLUMNS(q)} from sessions where user_id = ${userId}
        order by last_seen_at desc, id`;
    },
    async touchMany(uses) {
      if (!uses.length) return;
      const { ids, ats, ips } = columns(uses);
      // One UPDATE for a whole batch, its rows as three array parameters
      // (unnest) rather than VALUES: the same prepared statement for any batch
      // size, and no limit of 65535 parameters. greatest(): another instance
      // may have written a later use already; SET sees the old row, so the
      // address follows only a newer use.
      await q`
        update sessions s set
          client_ip = case when v.at > s.last_seen_at then v.ip else s.client_ip end,
          last_seen_at = greatest(s.last_seen_at, v.at)
        from unnest(${ids}::uuid[], ${ats}::timestamptz[], ${ips}::text[]) as v (id, at, ip)
        where s.id = v.id`;
    },
    async delete(id, userId) {
      const rows =
        await q`delete from sessions where id = ${id} and user_id = ${userId} returning id`;
      return rows.length === 1;
    },
    async deleteForUser(userId, keepId) {
      const rows = keepId
        ? await q<{ id: string }[]>`
            delete from sessions where user_id = ${userId} and id <> ${keepId} returning id`
        : await q<{ id: string }[]>`delete from sessions where user_id = ${userId} returning id`;
      return rows.map((r) => r.id);
    },
    async deleteExpired(now, idleSince) {
      const rows = await q<{ id: string }[]>`
        delete from sessions where expires_at <= ${now} or last_seen_at < ${idleSince}
        returning id`;
      return rows.map((r) => r.id);
    },
  };
}
