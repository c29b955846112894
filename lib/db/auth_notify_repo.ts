/**
 * Cross-instance invalidation of the auth caches through PostgreSQL
 * `LISTEN/NOTIFY`. A notification sent inside a transaction is delivered on
 * commit, so other instances never drop their cache before the change is
 * visible to them.
 */
import type { Queryable, Sql } from "./client.ts";

/** The channel every instance listens on. */
export const AUTH_CHANNEL = "revenge_auth";

/**
 * What changed: one session, one API key, one user (anything about them), a
 * user's profile only (name, e-mail, last login: what `GET /users/me` shows),
 * or every user's permissions.
 */
export type AuthInvalidation =
  | { kind: "session"; ids: string[] }
  | { kind: "apiKey"; id: string }
  | { kind: "user"; id: string }
  | { kind: "profile"; id: string }
  | { kind: "all" };

/** Sends an invalidation to every instance (including this one). */
export async function publishInvalidation(q: Queryable, msg: AuthInvalidation): Promise<void> {
  await q`select pg_notify(${AUTH_CHANNEL}, ${JSON.stringify(msg)})`;
}

/**
 * Listens for invalidations. `onConnect` runs on every (re)connection of the
 * listening connection: notifications sent while it was down are lost, so the
 * caller must drop its caches then. Returns a function that stops listening.
 */
export async function listenInvalidations(
  sql: Sql,
  onMessage: (msg: AuthInvalidation) => void,
  onConnect: () => void,
): Promise<() => Promise<void>> {
  const sub = await sql.listen(AUTH_CHANNEL, (payload) => {
    try {
      onMessage(JSON.parse(payload) as AuthInvalidation);
    } catch {
      onConnect(); // unreadable: drop everything rather than keep something stale
    }
  }, onConnect);
  return () => sub.unlisten();
}
