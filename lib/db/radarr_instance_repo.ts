/** SQL of `radarr_instances`. */
import type { Queryable } from "./client.ts";

/** A path prefix of Radarr's (`from`) and the same folder as Revenge sees it (`to`). */
export interface PathMapping {
  from: string;
  to: string;
}

/** A stored instance (the API key still sealed). */
export interface RadarrInstanceRow {
  id: string;
  name: string;
  url: string;
  apiKeySealed: Uint8Array;
  apiKeyKeyId: string;
  pathMappings: PathMapping[];
  enabled: boolean;
  lastSyncAt: Date | null;
  lastSync: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What an instance is created or replaced with. */
export interface RadarrInstanceWrite {
  name: string;
  url: string;
  apiKeySealed: Uint8Array;
  apiKeyKeyId: string;
  pathMappings: PathMapping[];
  enabled: boolean;
}

const COLUMNS = `id, name, url, api_key_sealed as "apiKeySealed", api_key_key_id as "apiKeyKeyId",
  path_mappings as "pathMappings", enabled, last_sync_at as "lastSyncAt", last_sync as "lastSync",
  created_at as "createdAt", updated_at as "updatedAt"`;

/** The repo of Radarr instances. */
export function createRadarrInstanceRepo(q: Queryable) {
  const cols = q.unsafe(COLUMNS);
  return {
    async list(): Promise<RadarrInstanceRow[]> {
      return [
        ...await q<
          RadarrInstanceRow[]
        >`select ${cols} from radarr_instances order by lower(name), id`,
      ];
    },
    async get(id: string): Promise<RadarrInstanceRow | null> {
      const [r] = await q<
        RadarrInstanceRow[]
      >`select ${cols} from radarr_instances where id = ${id}::uuid`;
      return r ?? null;
    },
    /** The instance whose webhook secret hashes to `hash` (the secret is 256 random bits). */
    async bySecretHash(hash: Uint8Array): Promise<RadarrInstanceRow | null> {
      const [r] = await q<RadarrInstanceRow[]>`
        select ${cols} from radarr_instances where webhook_secret_hash = ${hash}`;
      return r ?? null;
    },
    async secretHash(id: string): Promise<Uint8Array | null> {
      const [r] = await q<{ h: Uint8Array }[]>`
        select webhook_secret_hash as h from radarr_instances where id = ${id}::uuid`;
      return r?.h ?? null;
    },
    async nameTaken(name: string, except?: string): Promise<boolean> {
      const [r] = await q`
        select 1 from radarr_instances where lower(name) = lower(${name})
          and (${except ?? null}::uuid is null or id <> ${except ?? null})`;
      return !!r;
    },
    async insert(
      id: string,
      w: RadarrInstanceWrite,
      secretHash: Uint8Array,
      now: Date,
    ): Promise<void> {
      await q`
        insert into radarr_instances (id, name, url, api_key_sealed, api_key_key_id,
          webhook_secret_hash, path_mappings, enabled, created_at, updated_at)
        values (${id}, ${w.name}, ${w.url}, ${w.apiKeySealed}, ${w.apiKeyKeyId}, ${secretHash},
          ${q.json(w.pathMappings as never)}, ${w.enabled}, ${now}, ${now})`;
    },
    /** Enabled instances whose last sync is older than `minutes` (or that never synced). */
    async dueForSync(now: Date, minutes: number): Promise<string[]> {
      const rows = await q<{ id: string }[]>`
        select id from radarr_instances
        where enabled and (last_sync_at is null
          or last_sync_at < ${now}::timestamptz - make_interval(mins => ${minutes}))`;
      return rows.map((r) => r.id);
    },
    async update(id: string, w: RadarrInstanceWrite, now: Date): Promise<boolean> {
      const r = await q`
        update radarr_instances set name = ${w.name}, url = ${w.url},
          api_key_sealed = ${w.apiKeySealed}, api_key_key_id = ${w.apiKeyKeyId},
          path_mappings = ${q.json(w.pathMappings as never)}, enabled = ${w.enabled},
          updated_at = ${now}
        where id = ${id}::uuid`;
      return r.count > 0;
    },
    async delete(id: string): Promise<boolean> {
      const r = await q`delete from radarr_instances where id = ${id}::uuid`;
      return r.count > 0;
    },
    async recordSync(id: string, result: Record<string, unknown>, now: Date): Promise<void> {
      await q`
        update radarr_instances set last_sync_at = ${now}, last_sync = ${q.json(result as never)}
        where id = ${id}::uuid`;
    },
    /** How many API keys are sealed with the key of this fingerprint (the secret box checks it). */
    async countByKey(keyId: string): Promise<number> {
      const [r] = await q<{ n: number }[]>`
        select count(*)::int as n from radarr_instances where api_key_key_id = ${keyId}`;
      return r.n;
    },
  };
}

/** The repo's type. */
export type RadarrInstanceRepo = ReturnType<typeof createRadarrInstanceRepo>;
