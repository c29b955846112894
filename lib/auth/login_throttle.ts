/**
 * Growing delays after failed password checks, per client address and per
 * account or trusted device, on the shared {@linkcode RateLimitStore}
 * (memory, or Redis across instances). Never a lockout:
 *
 * - Per address: 5 free failures, then 1 s, 2 s, 4 s … up to 15 min. One
 *   address cannot try many passwords, on one account or spread over many.
 * - Per account (from all addresses together): 10 free failures, then 1 s,
 *   2 s … capped at 60 s. A botnet gets about one guess a minute at an
 *   account; the account is never disabled.
 * - Per trusted device, instead of per account: a client that presents a
 *   valid device cookie for the account it logs into (see `device_tokens.ts`;
 *   the caller verifies it and passes its nonce) is exempt from the account's
 *   count and has its own: 5 free failures, then 1 s, 2 s … capped at 60 s.
 *   This is OWASP's "device cookies" defence: a botnet that keeps the
 *   account in back-off no longer makes its owner wait on a device they
 *   logged in from before, while a stolen device cookie still only buys
 *   slow guesses, never more than the account's own pace. The per-address
 *   limit applies to every attempt, trusted or not.
 *
 * Failures are forgotten after an hour without one. A successful login takes
 * back the address's failure and clears the count it was checked against:
 * the account's for an untrusted client, only the device's for a trusted
 * one, so the owner logging in on their own device does not hand the botnet
 * a fresh set of free guesses. An attempt is counted before the password is
 * checked, so concurrent guesses see each other and a right password cannot
 * slip past an active delay. If the store fails (Redis down) logins go on
 * unthrottled with a warning: an outage of the limiter must not become an
 * outage of logins.
 */
import { rateLimitHits } from "../observability/metrics.ts";
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

/**
 * Back-off per trusted device. Fewer free failures than the account (one
 * device is one person typing, not everyone together), the same 60 s cap: a
 * trusted device never waits longer than an untrusted client could be made to.
 */
export const DEVICE_BACKOFF: BackoffPolicy = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  quietMs: 60 * 60_000,
};

/** Options of {@linkcode LoginThrottle.begin}. */
export interface LoginAttemptOptions {
  /**
   * Nonce of a device token verified for this very account: the attempt is
   * counted on the device instead of the account.
   */
  device?: string;
}

/** An attempt in progress; call `succeeded()` when the password was right. */
export interface LoginAttempt {
  succeeded(): Promise<void>;
}

/** The throttle. */
export interface LoginThrottle {
  /** Counts an attempt; throws {@linkcode RateLimitedError} while a delay is active. */
  begin(
    account: string,
    clientIp: string | null,
    options?: LoginAttemptOptions,
  ): Promise<LoginAttempt>;
  /**
   * What `succeeded()` of an attempt does, for an attempt begun elsewhere: a
   * login whose password was right here completes with its second factor
   * later, possibly on another instance (`mfa_login.ts`).
   */
  succeeded(account: string, clientIp: string | null, options?: LoginAttemptOptions): Promise<void>;
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
  const keys = (account: string, clientIp: string | null, options: LoginAttemptOptions) => {
    const ipKey = `login-ip:${clientIp ? addressBucket(clientIp) : "unknown"}`;
    // The account's key, or the trusted device's: never both (OWASP's device cookies).
    const [key, policy]: [string, BackoffPolicy] = options.device
      ? [`login-device:${options.device}`, DEVICE_BACKOFF]
      : [`login-account:${account.toLowerCase().slice(0, 64)}`, ACCOUNT_BACKOFF];
    return { ipKey, key, policy };
  };
  async function succeeded(
    account: string,
    clientIp: string | null,
    options: LoginAttemptOptions = {},
  ): Promise<void> {
    const { ipKey, key } = keys(account, clientIp, options);
    try {
      await store.clear([key]);
      await store.refund([ipKey], ADDRESS_BACKOFF);
    } catch (e) {
      failOpen(e);
    }
  }
  return {
    succeeded,
    async begin(account, clientIp, options = {}) {
      const { ipKey, key, policy } = keys(account, clientIp, options);
      let ip, acc;
      try {
        ip = await store.attempt([ipKey], ADDRESS_BACKOFF);
        if (ip.allowed) {
          acc = await store.attempt([key], policy);
          // Refused on the account or device: this attempt did not happen for the address either.
          if (!acc.allowed) await store.refund([ipKey], ADDRESS_BACKOFF);
        }
      } catch (e) {
        return failOpen(e);
      }
      if (!ip.allowed || !acc!.allowed) {
        const wait = ip.allowed ? acc!.retryAfterSeconds : ip.retryAfterSeconds;
        rateLimitHits.inc({ limiter: "login" });
        throw new RateLimitedError(
          `Too many failed logins; try again in ${wait} second${wait === 1 ? "" : "s"}.`,
          wait,
        );
      }
      return { succeeded: () => succeeded(account, clientIp, options) };
    },
  };
}
