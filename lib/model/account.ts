/**
 * Domain types of accounts and access: users, roles, sessions, API keys and
 * audit entries, as services hand them to routes. Secrets (password hashes,
 * token hashes) never appear here.
 */

/** A user as shown to administrators and to the user themself. */
export interface User {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  /** The web UI language the user chose (`en`, `de`); null: the browser's. */
  language: string | null;
  roles: string[];
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

/** A role: a named set of permission patterns. */
export interface Role {
  name: string;
  description: string;
  permissions: string[];
  /** Seeded by a migration; cannot be deleted (and `admin` cannot be changed). */
  builtin: boolean;
  /** How many users hold it. */
  userCount: number;
  /** Its members must have a second factor before they can do anything but enrol one. */
  requireMfa: boolean;
}

/** A session as stored (never its token, only the token's hash is kept). */
export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  clientIp: string | null;
  userAgent: string | null;
  /** The latest second factor the session proved (at login or later), if any. */
  mfaMethod: string | null;
  mfaAt: Date | null;
}

/** A session as listed to its owner or an administrator. */
export interface SessionInfo extends Session {
  /** Short description of the user agent ("Firefox on Linux"). */
  device: string;
}

/** An API key as listed (the key itself is shown once, at creation). */
export interface ApiKeyInfo {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the key, to tell keys apart. */
  prefix: string;
  permissions: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
}

/** A page of a list. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Paging and search input of list calls. */
export interface PageQuery {
  limit: number;
  offset: number;
}

/** Every audited action. */
export const AUDIT_ACTIONS = [
  "setup.completed",
  "auth.login.succeeded",
  "auth.login.failed",
  "auth.login.throttled",
  "auth.logout",
  "auth.registered",
  "user.created",
  "user.updated",
  "user.disabled",
  "user.enabled",
  "user.deleted",
  "user.roles.changed",
  "user.libraries.changed",
  "user.password.changed",
  "user.password.reset",
  "user.password_reset_link.created",
  "session.revoked",
  "role.created",
  "role.permissions.changed",
  "role.deleted",
  "api_key.created",
  "api_key.revoked",
  "settings.changed",
  "auth.mfa.challenged",
  "auth.mfa.failed",
  "auth.mfa.throttled",
  "auth.reauth.failed",
  "mfa.totp.setup_started",
  "mfa.totp.enabled",
  "mfa.totp.disabled",
  "mfa.backup_codes.generated",
  "mfa.backup_code.used",
  "mfa.webauthn.registered",
  "mfa.webauthn.refused",
  "mfa.webauthn.renamed",
  "mfa.webauthn.deleted",
  "mfa.webauthn.cloned",
  "mfa.enabled",
  "mfa.disabled",
  "mfa.reset",
  "role.mfa_requirement.changed",
  "library.created",
  "library.updated",
  "library.deleted",
  "library.scan.requested",
  "library.problems.cleared",
  "library.metadata_refresh.requested",
  "movie.matched",
  "movie.unmatched",
  "movie.metadata_refresh.requested",
  "collection.created",
  "collection.updated",
  "collection.movies.changed",
  "collection.deleted",
  "playback.stream.stopped",
  "radarr.instance.created",
  "radarr.instance.updated",
  "radarr.instance.deleted",
  "radarr.sync.requested",
  "radarr.webhook.rejected",
  "notification_agent.created",
  "notification_agent.updated",
  "notification_agent.deleted",
  "notification_agent.tested",
  "search.reindex.requested",
  "backup.requested",
  "backup.created",
  "backup.failed",
] as const;
/** One of {@linkcode AUDIT_ACTIONS}. */
export type AuditAction = typeof AUDIT_ACTIONS[number];

/** Who did something, from where: taken from the request, never from its body. */
export interface AuditContext {
  actorId: string | null;
  actorName: string | null;
  clientIp: string | null;
  userAgent: string | null;
}

/** What an audit entry is about. */
export interface AuditEvent {
  action: AuditAction;
  targetType?:
    | "user"
    | "session"
    | "api_key"
    | "role"
    | "setting"
    | "library"
    | "movie"
    | "collection"
    | "playback_session"
    | "radarr_instance"
    | "notification_agent"
    | "search"
    | "backup";
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** A stored audit entry. */
export interface AuditEntry extends AuditContext {
  id: string;
  at: Date;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

/** Usernames: 2–64 of A–Z, a–z, 0–9, ".", "_", "-"; unique regardless of case. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{2,64}$/;
