/**
 * SQL of the `server_settings` table: one JSON value per key. Keys under
 * `secret.` hold server-generated secrets (the device-cookie signing key):
 * a future settings API must never list or change them.
 */
import type { Queryable } from "./client.ts";

/** The server settings repository. */
export interface ServerSettingsRepo {
  /** The value stored under `key`, or undefined. */
  get(key: string): Promise<unknown>;
  /**
   * Stores `value` under `key` unless the key exists already, and answers the
   * value that is stored afterwards: `value`, or the earlier one. Several
   * instances starting at once all get the same answer.
   */
  insertIfAbsent(key: string, value: unknown, now: Date): Promise<unknown>;
  /**
   * Stores `value` under `key` only while the key holds `expected`; answers
   * the value stored afterwards (`value`, or whatever another writer put).
   */
  replaceIf(key: string, expected: unknown, value: unknown, now: Date): Promise<unknown>;
  /** Stores `value` under `key` whatever it held; answers the earlier value, or undefined. */
  set(key: string, value: unknown, now: Date): Promise<unknown>;
}

/** Creates the server settings repository on a pool or transaction. */
export function createServerSettingsRepo(q: Queryable): ServerSettingsRepo {
  async function get(key: string): Promise<unknown> {
    const [r] = await q<{ value: unknown }[]>`
      select value from server_settings where key = ${key}`;
    return r?.value;
  }
  return {
    get,
    async insertIfAbsent(key, value, now) {
      // ON CONFLICT DO NOTHING: the first writer wins and a concurrent one waits for its commit.
      const [r] = await q<{ value: unknown }[]>`
        insert into server_settings (key, value, updated_at)
        values (${key}, ${q.json(value as never)}, ${now})
        on conflict (key) do nothing
        returning value`;
      if (r) return r.value;
      // A second statement: the winner's row was committed after this one's snapshot began.
      return await get(key);
    },
    async replaceIf(key, expected, value, now) {
      const [r] = await q<{ value: unknown }[]>`
        update server_settings set value = ${q.json(value as never)}, updated_at = ${now}
        where key = ${key} and value = ${q.json(expected as never)}
        returning value`;
      return r ? r.value : await get(key);
    },
    async set(key, value, now) {
      // The earlier value under the row lock the upsert takes: concurrent writers queue.
      const [old] = await q<{ value: unknown }[]>`
        select value from server_settings where key = ${key} for update`;
      await q`
        insert into server_settings (key, value, updated_at)
        values (${key}, ${q.json(value as never)}, ${now})
        on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`;
      return old?.value;
    },
  };
}
