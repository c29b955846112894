/** SQL of the `api_keys` table. */
import type { Queryable } from "./client.ts";
import type { ApiKeyInfo } from "../model/account.ts";
import { columns, type LastUse } from "./_last_use.ts";

/** The API key repository. */
export interface ApiKeyRepo {
  insert(k: {
    userId: string;
    name: string;
    keyHash: Uint8Array;
    prefix: string;
    permissions: string[];
    now: Date;
    expiresAt: Date | null;
  }): Promise<ApiKeyInfo>;
  byHash(hash: Uint8Array): Promise<ApiKeyInfo | undefined>;
  byId(id: string): Promise<ApiKeyInfo | undefined>;
  listForUser(userId: string): Promise<ApiKeyInfo[]>;
  /** Records uses in one statement, like `SessionRepo.touchMany`. */
  touchMany(uses: readonly LastUse[]): Promise<void>;
  /** Deletes one key of `userId`; false when it is not theirs or gone. */
  delete(id: string, userId: string): Promise<boolean>;
}

const COLUMNS = (q: Queryable) =>
  q`id, user_id as "userId", name, key_prefix as prefix, permissions, created_at as "createdAt",
    expires_at as "expiresAt", last_used_at as "lastUsedAt", last_used_ip as "lastUsedIp"`;

/** Creates the API key repository on a pool or transaction. */
export function createApiKeyRepo(q: Queryable): ApiKeyRepo {
  return {
    async insert(k) {
      const [r] = await q<ApiKeyInfo[]>`
        insert into api_keys (user_id, name, key_hash, key_prefix, permissions, created_at,
                              expires_at)
        values (${k.userId}, ${k.name}, ${k.keyHash}, ${k.prefix}, ${k.permissions}, ${k.now},
                ${k.expiresAt})
        returning ${COLUMNS(q)}`;
      return r;
    },
    async byHash(hash) {
      const [r] = await q<ApiKeyInfo[]>`select ${
        COLUMNS(q)
      } from api_keys where key_hash = ${hash}`;
      return r;
    },
    async byId(id) {
      const [r] = await q<ApiKeyInfo[]>`select ${COLUMNS(q)} from api_keys where id = ${id}`;
      return r;
    },
    listForUser(userId) {
      return q<ApiKeyInfo[]>`
        select ${COLUMNS(q)} from api_keys where user_id = ${userId} order by created_at desc, id`;
    },
    async touchMany(uses) {
      if (!uses.length) return;
      const { ids, ats, ips } = columns(uses);
      // As for sessions: one statement per batch, never moving back in time
      // (greatest() ignores a null last_used_at).
      await q`
        update api_keys k set
          last_used_ip = case when k.last_used_at is null or v.at > k.last_used_at
                              then v.ip else k.last_used_ip end,
          last_used_at = greatest(k.last_used_at, v.at)
        from unnest(${ids}::uuid[], ${ats}::timestamptz[], ${ips}::text[]) as v (id, at, ip)
        where k.id = v.id`;
    },
    async delete(id, userId) {
      const rows =
        await q`delete from api_keys where id = ${id} and user_id = ${userId} returning id`;
      return rows.length === 1;
    },
  };
}
