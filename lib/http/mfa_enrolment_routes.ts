/**
 * What a session may still do while its user's role requires a second
 * factor they have not enrolled (`Principal.mfaEnrolmentRequired`): enrol
 * one, see who they are, log out. The authentication middleware refuses
 * everything else with 403 and `mfaEnrolmentRequired: true`, for every
 * route, present or future; public routes answer as always.
 */

/** One route a confined session may use (exact path). */
export interface EnrolmentRoute {
  method: "GET" | "POST";
  path: string;
}

/** The routes of enrolment. */
export const MFA_ENROLMENT_ROUTES: readonly EnrolmentRoute[] = [
  { method: "GET", path: "/api/v1/users/me" },
  { method: "POST", path: "/api/v1/auth/logout" },
  { method: "GET", path: "/api/v1/mfa/status" },
  { method: "POST", path: "/api/v1/mfa/totp/setup" },
  { method: "POST", path: "/api/v1/mfa/totp/verify" },
  { method: "POST", path: "/api/v1/mfa/backup-codes/generate" },
  { method: "POST", path: "/api/v1/mfa/backup-codes/regenerate" },
  { method: "POST", path: "/api/v1/mfa/enable" },
  { method: "POST", path: "/api/v1/mfa/webauthn/register/options" },
  { method: "POST", path: "/api/v1/mfa/webauthn/register/verify" },
  { method: "GET", path: "/api/v1/mfa/webauthn/credentials" },
  // The page where all of the above is done.
  { method: "GET", path: "/settings/security" },
];

/** True when a confined session may call `method path`. */
export function isMfaEnrolmentRoute(method: string, path: string): boolean {
  const m = method === "HEAD" ? "GET" : method;
  return MFA_ENROLMENT_ROUTES.some((r) => r.method === m && r.path === path);
}
