/**
 * Schemas and JSON views shared by the account routes (private to
 * `routes/api/`). Views turn domain objects into the JSON the schemas
 * describe: camelCase, ISO 8601 times.
 */
import { z } from "@hono/zod-openapi";
import type { ApiKeyInfo, AuditEntry, SessionInfo, User } from "../../lib/model/account.ts";
import { MFA_METHODS, type MfaChallenge } from "../../lib/model/mfa.ts";
import { requirePermission } from "../../lib/http/middleware/require_permission.ts";

/** RFC 9457 problem body. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
}).openapi("Problem");

const ERROR_TEXT: Record<number, string> = {
  400: "invalid input",
  401: "not authenticated",
  403: "missing permission, or not yours",
  404: "not found",
  409: "conflicts with the current state",
  415: "body is not JSON",
  416: "the byte range lies outside the file",
  429: "too many requests",
  503: "a service it needs (TMDb) is unreachable or not configured",
};

/** Problem responses for the given status codes, for `createRoute({responses})`. */
export function errors(...codes: (keyof typeof ERROR_TEXT)[]) {
  return Object.fromEntries(codes.map((code) => [code, {
    description: ERROR_TEXT[code],
    content: { "application/problem+json": { schema: Problem } },
  }])) as Record<
    number,
    { description: string; content: { "application/problem+json": { schema: typeof Problem } } }
  >;
}

/**
 * Guards an operation with a permission and states it in the OpenAPI
 * document (`x-permission`), so the document says exactly what is enforced.
 * Spread into `createRoute({...})`.
 */
export function needs(permission: string) {
  return { middleware: requirePermission(permission), "x-permission": permission };
}

/** A JSON request body (required: a missing or non-JSON body is refused). */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

/** A JSON response. */
export function json<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } } as const;
}

const time = z.string().describe("ISO 8601 date-time");

/** A password as entered: any Unicode, checked by the password policy. */
export const Password = z.string().min(1).max(4096).describe(
  "8 to 1024 characters (Unicode code points, NFC), any composition",
);

/** A user name as entered. */
export const Username = z.string().min(1).max(64).describe(
  "2 to 64 of A-Z a-z 0-9 . _ -; unique regardless of case",
);

/** A user. */
export const UserSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  language: z.enum(["en", "de"]).nullable().describe("Web UI language; null: the browser's"),
  roles: z.array(z.string()),
  disabled: z.boolean(),
  createdAt: time,
  updatedAt: time,
  lastLoginAt: time.nullable(),
}).openapi("User");

/** A session. */
export const SessionSchema = z.object({
  id: z.uuid(),
  current: z.boolean().describe("true for the session making this request"),
  device: z.string(),
  clientIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: time,
  lastSeenAt: time,
  expiresAt: time,
  mfaMethod: z.enum(MFA_METHODS).nullable().describe(
    "The latest second factor this session proved (at login or later); null: password only",
  ),
  mfaVerifiedAt: time.nullable(),
}).openapi("Session");

/** An API key (without the key). */
export const ApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe("the key's first characters"),
  permissions: z.array(z.string()),
  createdAt: time,
  expiresAt: time.nullable(),
  lastUsedAt: time.nullable(),
  lastUsedIp: z.string().nullable(),
}).openapi("ApiKey");

/** Answer of login and setup. */
export const LoginResponse = z.object({
  accessToken: z.string().describe("Session token; send as `Authorization: Bearer <token>`"),
  expiresAt: time.describe("Absolute end of the session (it ends sooner when idle)"),
  user: UserSchema,
  mfaEnrolmentRequired: z.literal(true).optional().describe(
    "Present when a role requires a second factor the user has not enrolled: until one is " +
      "enabled, the session may only enrol it (every other route answers 403)",
  ),
}).openapi("LoginResponse");

/** JSON of {@linkcode LoginResponse} from a freshly opened session. */
export function loginView(
  r: { token: string; expiresAt: Date; user: User; mfaEnrolmentRequired?: boolean },
) {
  return {
    accessToken: r.token,
    expiresAt: r.expiresAt.toISOString(),
    user: userView(r.user),
    ...(r.mfaEnrolmentRequired ? { mfaEnrolmentRequired: true as const } : {}),
  };
}

/** A second-factor method. */
export const MfaMethodSchema = z.enum(MFA_METHODS).openapi("MfaMethod");

/** Answer of a password login that waits for a second factor: no session yet. */
export const MfaChallengeSchema = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z.string().describe(
    "`rvm_…`: for POST /api/v1/auth/mfa/verify only, once, within 5 minutes",
  ),
  methods: z.array(MfaMethodSchema).describe("What the login may be completed with"),
  expiresAt: time,
}).openapi("MfaChallenge");

/** JSON of {@linkcode MfaChallengeSchema}. */
export function mfaChallengeView(c: MfaChallenge) {
  return {
    mfaRequired: true as const,
    mfaToken: c.mfaToken,
    methods: c.methods,
    expiresAt: c.expiresAt.toISOString(),
  };
}

/** A new account's fields, as registration and administrators give them. */
export const NewAccount = z.object({
  username: Username,
  password: Password,
  displayName: z.string().max(128).nullish(),
  email: z.email().max(254).nullish(),
});

/** A list page of `item`. */
export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  }).openapi(name);
}

/** A page of an in-memory list (a user's sessions or keys: a handful, never thousands). */
export function pageFrom<T, V>(all: T[], q: { limit: number; offset: number }, view: (t: T) => V) {
  return {
    items: all.slice(q.offset, q.offset + q.limit).map(view),
    total: all.length,
    limit: q.limit,
    offset: q.offset,
  };
}

/** `limit` and `offset` query parameters. */
export const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Path parameter `id` (a user id). */
export const UserIdParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** JSON view of a user. */
export function userView(u: User) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    language: u.language === "en" || u.language === "de" ? u.language as "en" | "de" : null,
    roles: u.roles,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
    lastLoginAt: iso(u.lastLoginAt),
  };
}

/** JSON view of a session. */
export function sessionView(s: SessionInfo & { current?: boolean }) {
  return {
    id: s.id,
    current: s.current ?? false,
    device: s.device,
    clientIp: s.clientIp,
    userAgent: s.userAgent,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    mfaMethod: s.mfaMethod as typeof MFA_METHODS[number] | null,
    mfaVerifiedAt: iso(s.mfaAt),
  };
}

/** JSON view of an API key. */
export function apiKeyView(k: ApiKeyInfo) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    permissions: k.permissions,
    createdAt: k.createdAt.toISOString(),
    expiresAt: iso(k.expiresAt),
    lastUsedAt: iso(k.lastUsedAt),
    lastUsedIp: k.lastUsedIp,
  };
}

/** JSON view of an audit entry. */
export function auditView(e: AuditEntry) {
  return { ...e, at: e.at.toISOString() };
}

/** A fresh confirmation: the password, or a second factor; none, if the session is fresh. */
export const StepUp = z.object({
  password: Password.optional(),
  method: MfaMethodSchema.optional().describe("With `code`; default totp"),
  code: z.string().min(1).max(64).optional(),
}).strict().openapi("FreshConfirmation");

/** The confirmation may be left out (a fresh session): the body is optional. */
export const optionalStepUp = {
  required: false,
  content: { "application/json": { schema: StepUp } },
} as const;

/** The description of an operation that needs a fresh confirmation. */
export const STEP_UP_DOC =
  "Needs a fresh confirmation: `password`, or `method` and `code` in the " +
  "body, or a session that authenticated in the last 10 minutes (with its second factor, " +
  "while one is active); otherwise 403.";

/** A base64url field of a WebAuthn response. */
const B64u = (max: number) =>
  z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+={0,2}$/, "base64url expected");

/** A passkey assertion: `PublicKeyCredential.toJSON()` of `navigator.credentials.get()`. */
export const PasskeyAssertionSchema = z.object({
  id: B64u(1366),
  rawId: B64u(1366),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: B64u(8192),
    authenticatorData: B64u(8192),
    // Post-quantum (ML-DSA) signatures run to some 4.6 KB; Chromium offers them.
    signature: B64u(16384),
    userHandle: B64u(128).optional(),
  }),
  clientExtensionResults: z.record(z.string().max(64), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
}).openapi("PasskeyAssertion");

/** A new passkey: `PublicKeyCredential.toJSON()` of `navigator.credentials.create()`. */
export const PasskeyAttestationSchema = z.object({
  id: B64u(1366),
  rawId: B64u(1366),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: B64u(8192),
    attestationObject: B64u(65536),
    transports: z.array(z.string().min(1).max(32)).max(10).optional(),
    authenticatorData: B64u(65536).optional(),
    publicKey: B64u(16384).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
  }),
  clientExtensionResults: z.record(z.string().max(64), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
}).openapi("PasskeyAttestation");

/** WebAuthn options for the browser, as `@simplewebauthn/server` makes them. */
export const CeremonyOptions = (name: string) =>
  z.record(z.string(), z.unknown()).describe(
    `PublicKeyCredential${name}OptionsJSON: pass to @simplewebauthn/browser, or to ` +
      `PublicKeyCredential.parse${name}OptionsFromJSON()`,
  );
