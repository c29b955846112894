/**
 * TOTP (RFC 6238) as Revenge uses it, on otplib: SHA-1, 6 digits, 30-second
 * steps (what every authenticator app speaks), one step of clock skew either
 * way. A code is accepted for one time step only, and only for a step later
 * than the last one used: the caller stores that step (`mfa_repo.ts`).
 */
import { generateSecret, generateURI, verify } from "otplib";
import { renderSVG } from "uqr";
import type { TotpEnrolment } from "../model/mfa.ts";

/** Seconds per time step. */
export const TOTP_PERIOD_SEC = 30;
/** Steps of skew accepted on either side of now. */
export const TOTP_SKEW_STEPS = 1;
/** The issuer shown in authenticator apps. */
export const TOTP_ISSUER = "Revenge";

const CODE = /^\d{6}$/;

/** A new secret (160 random bits, base32, as RFC 4226 recommends). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The secret, its `otpauth://` URI and the URI as an SVG QR code in a data: URL. */
export function totpEnrolment(secret: string, username: string): TotpEnrolment {
  const uri = generateURI({
    issuer: TOTP_ISSUER,
    label: username,
    secret,
    digits: 6,
    period: TOTP_PERIOD_SEC,
  });
  const svg = renderSVG(uri, { border: 2 });
  const qr = `data:image/svg+xml;base64,${btoa(svg)}`;
  return { secret, uri, qr };
}

/** A code as typed: spaces and dashes dropped ("123 456"). */
export function normalizeTotpCode(code: string): string {
  return code.replace(/[\s-]/g, "");
}

/**
 * The time step `code` is valid for at `now`, if it is valid and later than
 * `afterStep`; undefined otherwise (malformed, wrong, too old, replayed).
 */
export async function totpStep(
  secret: string,
  code: string,
  now: Date,
  afterStep: number,
): Promise<number | undefined> {
  const token = normalizeTotpCode(code);
  if (!CODE.test(token)) return undefined;
  const r = await verify({
    secret,
    token,
    epoch: Math.floor(now.getTime() / 1000),
    period: TOTP_PERIOD_SEC,
    digits: 6,
    epochTolerance: TOTP_SKEW_STEPS * TOTP_PERIOD_SEC,
    ...(afterStep >= 0 ? { afterTimeStep: afterStep } : {}),
  });
  return r.valid && "timeStep" in r ? r.timeStep : undefined;
}
