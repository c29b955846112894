/**
 * A small in-process cache with a time-to-live per entry and a size bound.
 * The TTL is a backstop: entries are normally dropped at once by
 * invalidations; the TTL bounds staleness if an invalidation is ever missed.
 */
import { cacheLookup } from "../observability/metrics.ts";

/** Options for {@linkcode TtlCache}. */
export interface TtlCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
  /** Counts look-ups in `revenge_cache_{hits,misses}_total` under this name. */
  name?: string;
}

/** A TTL cache. Iteration order is insertion order, so the oldest entry is evicted first. */
export class TtlCache<K, V> {
  #map = new Map<K, { value: V; until: number }>();
  #ttl: number;
  #max: number;
  #now: () => number;
  #name: string | undefined;

  constructor(options: TtlCacheOptions) {
    this.#ttl = options.ttlMs;
    this.#max = options.maxEntries;
    this.#now = options.now ?? (() => performance.now());
    this.#name = options.name;
  }

  /** The live value of `key`, if any. */
  get(key: K): V | undefined {
    const e = this.#map.get(key);
    const live = e !== undefined && e.until > this.#now();
    if (this.#name) cacheLookup(this.#name, live);
    if (live) return e.value;
    if (e) this.#map.delete(key);
    return undefined;
  }

  /** Stores `value` for the TTL. */
  set(key: K, value: V): void {
    this.#map.delete(key);
    if (this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value as K);
    this.#map.set(key, { value, until: this.#now() + this.#ttl });
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  /** Deletes every entry whose value matches. */
  deleteWhere(match: (value: V, key: K) => boolean): void {
    for (const [k, e] of this.#map) if (match(e.value, k)) this.#map.delete(k);
  }

  clear(): void {
    this.#map.clear();
  }

  get size(): number {
    return this.#map.size;
  }
}
