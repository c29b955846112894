/**
 * Growing delays after failed password checks, per client address and per
 * account, on the shared {@linkcode RateLimitStore} (memory, or Redis across
 * instances). Never a lockout:
 *
 * - Per address: 5 free failures, then 1 s, 2 s, 4 s … up to 15 min. One
 *   address cannot try many passwords, on one account or spread over many.
 * - Per account (from all addresses together): 10 free failures, then 1 s,
 *   2 s … capped at 60 s. A botnet gets about one guess a minute at an
 *   account, while the worst an attacker can do to its owner is make them
 *   wait a minute; the account is never disabled.
 *
 * Failures are forgotten after an hour without one; a successful login
 * clears the account's count and takes back the address's failure. An
 * attempt is counted before the password is checked, so concurrent guesses
 * see each other and a right password cannot slip past an active delay.
 * If the store fails (Redis down) logins go on unthrottled with a warning:
 * an outage of the limiter must not become an outage of logins.
 */
import { RateLimitedError } from "../model/errors.ts";
import type { Logger } from "../observability/logger.ts";
import type { BackoffPolicy, RateLimitStore } from "../model/rate_limit.ts";
import { addressBucket } from "../model/address_bucket.ts";

/** Back-off per client address. */
export const ADDRESS_BACKOFF: BackoffPolicy = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  quietMs: 60 * 60_000,
};

/** Back-off per account. */
export const ACCOUNT_BACKOFF: BackoffPolicy = {
  freeFailures: 10,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  quietMs: 60 * 60_000,
};

/** An attempt in progress; call `succeeded()` when the password was right. */
export interface LoginAttempt {
  succeeded(): Promise<void>;
}

/** The throttle. */
export interface LoginThrottle {
  /** Counts an attempt; throws {@linkcode RateLimitedError} while a delay is active. */
  begin(account: string, clientIp: string | null): Promise<LoginAttempt>;
}

const NOTHING: LoginAttempt = { succeeded: () => Promise.resolve() };

/** Creates the throttle on `store`. */
export function createLoginThrottle(store: RateLimitStore, logger: Logger): LoginThrottle {
  const failOpen = (e: unknown) => {
    logger.warn("login throttle store failed; attempt not limited", {
      error: e instanceof Error ? e.message : String(e),
    });
    return NOTHING;
  };
  return {
    async begin(account, clientIp) {
      const ipKey = `login-ip:${clientIp ? addressBucket(clientIp) : "unknown"}`;
      const accountKey = `login-account:${account.toLowerCase().slice(0, 64)}`;
      let ip, acc;
      try {
        ip = await store.attempt([ipKey], ADDRESS_BACKOFF);
        if (ip.allowed) {
          acc = await store.attempt([accountKey], ACCOUNT_BACKOFF);
          // Refused on the account: this attempt did not happen for the address either.
          if (!acc.allowed) await store.refund([ipKey], ADDRESS_BACKOFF);
        }
      } catch (e) {
        return failOpen(e);
      }
      if (!ip.allowed || !acc!.allowed) {
        const wait = ip.allowed ? acc!.retryAfterSeconds : ip.retryAfterSeconds;
        throw new RateLimitedError(
          `Too many failed logins; try again in ${wait} second${wait === 1 ? "" : "s"}.`,
          wait,
        );
      }
      return {
        async succeeded() {
          try {
            await store.clear([accountKey]);
            await store.refund([ipKey], ADDRESS_BACKOFF);
          } catch (e) {
            failOpen(e);
          }
        },
      };
    },
  };
}
