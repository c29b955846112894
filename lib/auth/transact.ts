/**
 * Runs a change in a transaction and invalidates the auth caches for it:
 * `NOTIFY` inside the transaction (delivered to other instances on commit)
 * and this instance's caches right after the commit, so the next request
 * here already sees the change.
 */
import type { Sql, Tx } from "../db/client.ts";
import { type AuthInvalidation, publishInvalidation } from "../db/auth_notify_repo.ts";
import type { AccessCache } from "./access_cache.ts";

/** Collects the invalidations a change causes. */
export type Invalidate = (msg: AuthInvalidation) => void;

/** Runs `fn` in a transaction, then invalidates what it reported. */
export async function transact<T>(
  sql: Sql,
  cache: AccessCache,
  fn: (tx: Tx, invalidate: Invalidate) => Promise<T>,
): Promise<T> {
  const msgs: AuthInvalidation[] = [];
  const result = await sql.begin(async (tx) => {
    const r = await fn(tx, (m) => msgs.push(m));
    for (const m of msgs) await publishInvalidation(tx, m);
    return r;
  }) as T;
  for (const m of msgs) cache.apply(m);
  return result;
}
