/**
 * Growing delays after wrong second-factor codes, on the shared
 * {@linkcode RateLimitStore} like the login throttle (`login_throttle.ts`),
 * counted per user and, at login, per pending-MFA token too:
 *
 * - Per user (every token, enrolment and confirmation together): 5 free
 *   failures, then 1 s, 2 s, 4 s … up to 15 min. With three codes valid at
 *   any time (one step of skew), a guesser needs some 330 000 tries for even
 *   odds: at that pace, years, and every one of them is in the audit log.
 * - Per pending token: 3 free failures, then 2 s, 4 s … up to 60 s; a token
 *   lives 5 minutes, so one password step buys a handful of guesses.
 *
 * An attempt is counted before the code is checked (concurrent guesses see
 * each other); a right code clears both counts. A store outage lets codes
 * through unthrottled with a warning, like logins.
 */
import { rateLimitHits } from "../observability/metrics.ts";
import { RateLimitedError } from "../model/errors.ts";
import type { BackoffPolicy, RateLimitStore } from "../model/rate_limit.ts";
import type { Logger } from "../observability/logger.ts";

/** Back-off per user. */
export const MFA_USER_BACKOFF: BackoffPolicy = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  quietMs: 60 * 60_000,
};

/** Back-off per pending-MFA token. */
export const MFA_TOKEN_BACKOFF: BackoffPolicy = {
  freeFailures: 3,
  baseDelayMs: 2000,
  maxDelayMs: 60_000,
  quietMs: 10 * 60_000,
};

/** An attempt in progress; call `succeeded()` when the code was right. */
export interface MfaAttempt {
  succeeded(): Promise<void>;
}

/** The throttle. */
export interface MfaThrottle {
  /** Counts an attempt; throws {@linkcode RateLimitedError} while a delay is active. */
  begin(userId: string, pendingId?: string): Promise<MfaAttempt>;
}

const NOTHING: MfaAttempt = { succeeded: () => Promise.resolve() };

/** Creates the throttle on `store`. */
export function createMfaThrottle(store: RateLimitStore, logger: Logger): MfaThrottle {
  const failOpen = (e: unknown) => {
    logger.warn("mfa throttle store failed; attempt not limited", {
      error: e instanceof Error ? e.message : String(e),
    });
    return NOTHING;
  };
  return {
    async begin(userId, pendingId) {
      const userKey = `mfa-user:${userId}`;
      const tokenKey = pendingId ? `mfa-token:${pendingId}` : undefined;
      let user, token;
      try {
        user = await store.attempt([userKey], MFA_USER_BACKOFF);
        if (user.allowed && tokenKey) {
          token = await store.attempt([tokenKey], MFA_TOKEN_BACKOFF);
          // Refused on the token: this attempt did not happen for the user either.
          if (!token.allowed) await store.refund([userKey], MFA_USER_BACKOFF);
        }
      } catch (e) {
        return failOpen(e);
      }
      const refused = !user.allowed ? user : token && !token.allowed ? token : undefined;
      if (refused) {
        const wait = refused.retryAfterSeconds;
        rateLimitHits.inc({ limiter: "mfa" });
        throw new RateLimitedError(
          `Too many wrong codes; try again in ${wait} second${wait === 1 ? "" : "s"}.`,
          wait,
        );
      }
      return {
        async succeeded() {
          try {
            await store.clear(tokenKey ? [userKey, tokenKey] : [userKey]);
          } catch (e) {
            failOpen(e);
          }
        },
      };
    },
  };
}
