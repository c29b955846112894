/**
 * The TMDb v3 client ({@linkcode TmdbClient}): the endpoints Revenge uses,
 * in the configured language and region, each answer validated loosely
 * (lib/metadata/tmdb_schemas.ts) and cached in PostgreSQL for
 * `tmdbCacheHours`. The wire (rate schedule, retries, 429s, proxy) is
 * lib/metadata/tmdb_transport.ts.
 *
 * Credentials: the token goes in `Authorization: Bearer`, else the API key
 * in `api_key`. Neither ever reaches a cache key or a log line: both are
 * built from the path and the other parameters only.
 */
import { cacheLookup } from "../observability/metrics.ts";
import type { z } from "zod";
import type { SectionValues } from "../config/config.ts";
import type { Queryable } from "../db/client.ts";
import { createTmdbCacheRepo } from "../db/tmdb_cache_repo.ts";
import { createTmdbRateRepo } from "../db/tmdb_rate_repo.ts";
import { type Clock, systemClock } from "../model/clock.ts";
import type { Logger } from "../observability/logger.ts";
import type { metadataConfig } from "./config.ts";
import {
  collectionSchema,
  configurationSchema,
  findSchema,
  movieDetailsSchema,
  searchSchema,
} from "./tmdb_schemas.ts";
import { createTmdbTransport, type TmdbRetryPolicy } from "./tmdb_transport.ts";
import { type TmdbClient, TmdbUnavailableError } from "./tmdb_types.ts";

/** What {@linkcode createTmdbClient} needs. */
export interface TmdbClientDeps {
  sql: Queryable;
  settings: SectionValues<typeof metadataConfig>;
  logger: Logger;
  /** Time for the cache's expiry (tests move it forward). */
  clock?: Clock;
  fetch?: typeof fetch;
  retry?: TmdbRetryPolicy;
}

/** A {@linkcode TmdbClient} that holds a connection pool when a proxy is set. */
export interface ClosableTmdbClient extends TmdbClient {
  /** Releases the proxy's connection pool (no-op without a proxy). */
  close(): void;
}

/** Expired cache rows are deleted at most this often, after a write. */
const CLEANUP_EVERY_MS = 60 * 60_000;

/** The TMDb client for `deps.settings`. */
export function createTmdbClient(deps: TmdbClientDeps): ClosableTmdbClient {
  const s = deps.settings;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger.child({ component: "tmdb" });
  const cache = createTmdbCacheRepo(deps.sql);
  const token = s.tmdbToken?.trim() || undefined;
  const apiKey = token ? undefined : s.tmdbApiKey?.trim() || undefined;
  const configured = Boolean(token || apiKey);
  const base = s.tmdbApiUrl.replace(/\/+$/, "");
  const lang = s.tmdbLanguage;
  const lang2 = lang.slice(0, 2);
  // Images in the language, without text (null), and English as the fallback most films have.
  const imageLanguages = lang2 === "en" ? "en,null" : `${lang2},null,en`;
  const transport = createTmdbTransport({
    rate: createTmdbRateRepo(deps.sql),
    rateKey: base,
    ratePerSecond: s.tmdbRateLimit,
    timeoutMs: s.tmdbTimeoutMs,
    proxy: s.tmdbProxy,
    logger,
    fetch: deps.fetch,
    retry: deps.retry,
  });
  const inFlight = new Map<string, Promise<unknown>>();
  let lastCleanup = 0;
  let imageBase: Promise<string> | undefined;

  function cleanup(now: Date): void {
    if (now.getTime() - lastCleanup < CLEANUP_EVERY_MS) return;
    lastCleanup = now.getTime();
    cache.deleteExpired(now).catch((e) =>
      logger.warn("tmdb cache cleanup failed", { error: (e as Error).message })
    );
  }

  async function fetchAndCache<S extends z.ZodType>(
    key: string,
    path: string,
    query: URLSearchParams,
    schema: S,
  ): Promise<z.output<S> | null> {
    const hit = await cache.get(key, clock.now());
    if (hit?.status === 404) {
      cacheLookup("tmdb", true);
      return null;
    }
    if (hit) {
      const parsed = schema.safeParse(hit.body);
      cacheLookup("tmdb", parsed.success);
      if (parsed.success) return parsed.data;
    } else cacheLookup("tmdb", false);
    const url = new URL(base + path);
    url.search = query.toString();
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    else url.searchParams.set("api_key", apiKey!);
    const answer = await transport.get(url, headers, key.slice(base.length));
    let data: z.output<S> | null = null;
    if (answer.status === 200) {
      const parsed = schema.safeParse(answer.body);
      if (!parsed.success) {
        logger.warn("tmdb answer malformed", {
          path,
          issue: parsed.error.issues[0]?.message,
          at: parsed.error.issues[0]?.path.join("."),
        });
        throw new TmdbUnavailableError(`TMDb sent a malformed answer for ${path}`, 200);
      }
      data = parsed.data;
    }
    if (s.tmdbCacheHours > 0) {
      const now = clock.now();
      const expires = new Date(now.getTime() + s.tmdbCacheHours * 3_600_000);
      // The raw answer is kept (not the parsed one), so a schema change re-reads it in full.
      await cache.put(key, { status: answer.status, body: answer.body }, now, expires);
      cleanup(now);
    }
    return data;
  }

  /** GET `path` with `params`: from the cache, else TMDb; null for a 404. */
  function get<S extends z.ZodType>(
    path: string,
    params: Record<string, string | undefined>,
    schema: S,
  ): Promise<z.output<S> | null> {
    if (!configured) {
      return Promise.reject(new TmdbUnavailableError("TMDb is not configured"));
    }
    const query = new URLSearchParams();
    for (const k of Object.keys(params).sort()) {
      const v = params[k];
      if (v !== undefined && v !== "") query.set(k, v);
    }
    // The key: base, path and sorted parameters; the credentials are added to the URL later.
    const key = `${base}${path}${query.size ? "?" + query : ""}`;
    let pending = inFlight.get(key) as Promise<z.output<S> | null> | undefined;
    if (!pending) {
      // Callers asking the same thing at once share one request.
      pending = fetchAndCache(key, path, query, schema).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  async function required<T>(p: Promise<T | null>, what: string): Promise<T> {
    const v = await p;
    if (v === null) throw new TmdbUnavailableError(`TMDb answered 404 for ${what}`, 404);
    return v;
  }

  const isId = (id: number) => Number.isSafeInteger(id) && id > 0;

  function configuration() {
    return required(get("/configuration", {}, configurationSchema), "/configuration");
  }

  return {
    configured,
    configuration,
    async searchMovie(query, year) {
      const q = query.trim();
      if (!q) return [];
      const page = await required(
        get("/search/movie", {
          query: q,
          year: year !== undefined && Number.isInteger(year) ? String(year) : undefined,
          language: lang,
          region: s.tmdbRegion,
          include_adult: "false",
          page: "1",
        }, searchSchema),
        "/search/movie",
      );
      return page.results;
    },
    async movie(tmdbId) {
      if (!isId(tmdbId)) return null;
      return await get(`/movie/${tmdbId}`, {
        append_to_response: "credits,images,release_dates,videos,similar",
        language: lang,
        include_image_language: imageLanguages,
      }, movieDetailsSchema);
    },
    async collection(tmdbId) {
      if (!isId(tmdbId)) return null;
      return await get(`/collection/${tmdbId}`, { language: lang }, collectionSchema);
    },
    async findByImdb(imdbId) {
      const id = imdbId.trim().toLowerCase();
      if (!/^tt\d{5,10}$/.test(id)) return [];
      const found = await get(
        `/find/${id}`,
        { external_source: "imdb_id", language: lang },
        findSchema,
      );
      return found?.movie_results ?? [];
    },
    imageBaseUrl() {
      if (s.tmdbImageUrl) return Promise.resolve(s.tmdbImageUrl.replace(/\/+$/, ""));
      imageBase ??= configuration().then((c) => c.images.secure_base_url.replace(/\/+$/, ""));
      // A failure is not remembered: the next call asks again.
      return imageBase.catch((e) => {
        imageBase = undefined;
        throw e;
      });
    },
    close() {
      transport.close();
    },
  };
}
