/**
 * How one TMDb request goes over the wire: the shared rate schedule
 * (lib/db/tmdb_rate_repo.ts), a timeout per attempt, retries with
 * exponential back-off and jitter on 5xx, timeouts and network errors, 429s
 * that pause every sender for their `Retry-After`, and the outbound proxy.
 * What comes back is a status with its parsed JSON body, or a
 * {@linkcode TmdbUnavailableError}.
 */
import { retryDelayMs } from "../jobs/backoff.ts";
import type { TmdbRateRepo } from "../db/tmdb_rate_repo.ts";
import type { Logger } from "../observability/logger.ts";
import { TmdbUnavailableError } from "./tmdb_types.ts";

/** Retry tuning (the defaults suit TMDb; tests shorten them). */
export interface TmdbRetryPolicy {
  /** Attempts per request for 5xx, timeouts and network errors (default 4). */
  attempts?: number;
  /** First back-off (ms, default 500), doubled per attempt up to `capMs` (default 8000). */
  baseMs?: number;
  capMs?: number;
  /** 429 answers honoured per request before giving up (default 5). */
  rateLimited?: number;
  /** Longest `Retry-After` waited for (s, default 60); a longer one fails the request. */
  maxRetryAfterS?: number;
}

/** What {@linkcode createTmdbTransport} needs. */
export interface TmdbTransportOptions {
  rate: TmdbRateRepo;
  /** Key of the shared schedule (the API base URL). */
  rateKey: string;
  /** Requests per second. */
  ratePerSecond: number;
  timeoutMs: number;
  /** An HTTP proxy URL. */
  proxy?: string;
  logger: Logger;
  fetch?: typeof fetch;
  retry?: TmdbRetryPolicy;
}

/** An answer TMDb gave: 200 with a JSON body, or 404. */
export interface TmdbAnswer {
  status: number;
  body: unknown;
}

/** Sends GET requests to TMDb. */
export interface TmdbTransport {
  /** `url` carries the credentials when they are a query param; `logPath` never does. */
  get(url: URL, headers: HeadersInit, logPath: string): Promise<TmdbAnswer>;
  /** Releases the proxy connection pool. */
  close(): void;
}

/**
 * Slots are 5% further apart than the rate asks, so timer and network jitter
 * of a few tens of milliseconds never puts more than `ratePerSecond`
 * requests into any one-second window as TMDb counts them.
 */
const SPACING = 1.05;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Spacing within this isolate, measured on the actual send times: the
 * database schedule is shared by every worker, but a caller that wakes late
 * for its slot (a busy event loop, a slow pool) would send right before the
 * next one; here each send waits `intervalMs` after the previous one, so
 * late wake-ups never bunch up. One per API base, shared by every client.
 */
const pacers = new Map<string, (intervalMs: number) => Promise<void>>();

function pacer(key: string): (intervalMs: number) => Promise<void> {
  let pace = pacers.get(key);
  if (!pace) {
    let last = -Infinity;
    let queue = Promise.resolve();
    pace = (intervalMs) => {
      const turn = queue.then(async () => {
        const wait = last + intervalMs - performance.now();
        if (wait > 0) await sleep(wait);
        last = performance.now();
      });
      queue = turn;
      return turn;
    };
    pacers.set(key, pace);
  }
  return pace;
}

/** Seconds to wait from a `Retry-After` header (seconds or an HTTP date); default 1. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  if (!header) return 1;
  const n = Number(header);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1 : Math.max(0, (at - now) / 1000);
}

/** The transport for one client. */
export function createTmdbTransport(o: TmdbTransportOptions): TmdbTransport {
  const doFetch = o.fetch ?? fetch;
  const client = o.proxy ? Deno.createHttpClient({ proxy: { url: o.proxy } }) : undefined;
  const attempts = o.retry?.attempts ?? 4;
  const policy = { baseMs: o.retry?.baseMs ?? 500, capMs: o.retry?.capMs ?? 8000, jitter: 0.5 };
  const maxLimited = o.retry?.rateLimited ?? 5;
  const maxRetryAfter = o.retry?.maxRetryAfterS ?? 60;
  const intervalMs = (1000 / o.ratePerSecond) * SPACING;
  const pace = pacer(o.rateKey);

  async function once(url: URL, headers: HeadersInit): Promise<Response> {
    const wait = await o.rate.reserve(o.rateKey, intervalMs);
    if (wait > 0) await sleep(wait);
    await pace(intervalMs);
    const init: RequestInit & { client?: Deno.HttpClient } = {
      headers,
      signal: AbortSignal.timeout(o.timeoutMs),
    };
    if (client) init.client = client;
    return await doFetch(url, init);
  }

  return {
    async get(url, headers, logPath) {
      let failed = 0;
      let limited = 0;
      for (let attempt = 1;; attempt++) {
        const started = performance.now();
        let problem: string;
        let status: number | undefined;
        try {
          const res = await once(url, headers);
          status = res.status;
          if (res.status === 200) {
            // Reading the body is covered by the timeout signal too.
            const text = await res.text();
            o.logger.debug("tmdb request", {
              path: logPath,
              status,
              attempt,
              durationMs: Math.round(performance.now() - started),
            });
            try {
              return { status, body: JSON.parse(text) };
            } catch {
              throw new TmdbUnavailableError(`TMDb sent a malformed answer for ${logPath}`, 200);
            }
          }
          await res.body?.cancel();
          o.logger.debug("tmdb request", {
            path: logPath,
            status,
            attempt,
            durationMs: Math.round(performance.now() - started),
          });
          if (res.status === 404) return { status: 404, body: null };
          if (res.status === 401) {
            throw new TmdbUnavailableError(
              "TMDb refused the credentials (401): check REVENGE_TMDB_TOKEN or REVENGE_TMDB_API_KEY",
              401,
            );
          }
          if (res.status === 429) {
            const seconds = retryAfterSeconds(res.headers.get("retry-after"));
            // Every sender waits, not just this one: the schedule itself moves past the pause.
            await o.rate.pause(o.rateKey, seconds * 1000);
            if (++limited > maxLimited || seconds > maxRetryAfter) {
              throw new TmdbUnavailableError(
                `TMDb kept limiting the request rate (429, Retry-After ${seconds} s)`,
                429,
              );
            }
            o.logger.info("tmdb rate limited: pausing", { path: logPath, retryAfterS: seconds });
            continue;
          }
          if (res.status < 500) {
            throw new TmdbUnavailableError(`TMDb answered ${res.status} for ${logPath}`, status);
          }
          problem = `TMDb answered ${res.status}`;
        } catch (e) {
          if (e instanceof TmdbUnavailableError) throw e;
          const err = e as Error;
          problem = err.name === "TimeoutError"
            ? `TMDb did not answer within ${o.timeoutMs} ms`
            : `TMDb could not be reached (${err.message.slice(0, 200)})`;
          o.logger.debug("tmdb request failed", {
            path: logPath,
            attempt,
            durationMs: Math.round(performance.now() - started),
            error: problem,
          });
        }
        if (++failed >= attempts) {
          throw new TmdbUnavailableError(`${problem} (after ${failed} attempts)`, status);
        }
        const delay = retryDelayMs(failed, policy);
        o.logger.debug("tmdb retry", { path: logPath, attempt, retryInMs: delay, reason: problem });
        await sleep(delay);
      }
    },
    close() {
      client?.close();
    },
  };
}
