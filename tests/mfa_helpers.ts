/**
 * Helpers for the second-factor tests: TOTP codes computed here with otplib
 * on the test's clock, enrolment through the API, and the two steps of a
 * login, each from an address of its own (behind the trusted proxy the
 * tests configure) so the per-address login back-off stays out of the way.
 */
import { generate } from "otplib";
import type { Clock } from "../lib/model/clock.ts";
import { assert, assertEquals } from "./assert.ts";
import { call, type Reply } from "./auth_helpers.ts";
import type { TestApp } from "./harness.ts";

/** The environment the MFA tests start the app with. */
export const MFA_ENV = { REVENGE_TRUSTED_PROXIES: "127.0.0.1" };

/** The TOTP code of `secret` at the clock's time, `steps` steps away. */
export function totpCode(secret: string, clock: Clock, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) + steps * 30 });
}

let nextAddress = 1;
/** A client address no earlier request of this run used. */
export function freshAddress(): string {
  const n = nextAddress++;
  return `198.51.${(n >> 8) & 255}.${n & 255}`;
}

/** The first step of a login, from a fresh address. */
export function passwordStep(
  app: TestApp,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return call(app, "POST", "/api/v1/auth/login", {
    body: { username, password },
    headers: { "x-forwarded-for": freshAddress(), ...headers },
  });
}

/** The second step. */
export function mfaStep(
  app: TestApp,
  mfaToken: string,
  method: string,
  code: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return call(app, "POST", "/api/v1/auth/mfa/verify", {
    body: { mfaToken, method, code },
    headers: { "x-forwarded-for": freshAddress(), ...headers },
  });
}

/** The password step of a user with a second factor: asserts the challenge, returns its token. */
export async function challenge(app: TestApp, username: string, password: string) {
  const r = await passwordStep(app, username, password);
  assertEquals(r.status, 200, JSON.stringify(r.body));
  assertEquals(r.body.mfaRequired, true, JSON.stringify(r.body));
  return r.body.mfaToken as string;
}

/** Enrols TOTP for the session `token`; returns the secret. Moves the clock one step on. */
export async function enrolTotp(
  app: TestApp,
  token: string,
  clock: Clock & { advance(ms: number): void },
) {
  const setup = await call(app, "POST", "/api/v1/mfa/totp/setup", { token });
  assertEquals(setup.status, 200, JSON.stringify(setup.body));
  const secret = setup.body.secret as string;
  const verify = await call(app, "POST", "/api/v1/mfa/totp/verify", {
    token,
    body: { code: await totpCode(secret, clock) },
  });
  assertEquals(verify.status, 200, JSON.stringify(verify.body));
  assert(verify.body.active, "the first correct code turns MFA on");
  // The enrolment used this step's code: the next login needs the next step's.
  clock.advance(30_000);
  return secret;
}

/** Logs in with password and TOTP; returns the reply of the second step. */
export async function loginWithTotp(
  app: TestApp,
  clock: Clock,
  username: string,
  password: string,
  secret: string,
): Promise<Reply> {
  const token = await challenge(app, username, password);
  return mfaStep(app, token, "totp", await totpCode(secret, clock));
}
