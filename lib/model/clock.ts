/**
 * Time as the domain sees it. Services take a {@linkcode Clock} so session
 * timeouts, expiries and retention can be tested by moving time forward
 * instead of waiting.
 */

/** A source of the current time. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
