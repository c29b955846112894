/**
 * Every permission Revenge knows, with what it allows. Roles and API keys
 * may only hold these, `resource:*` for a known resource, or `*:*`. Later
 * issues add their permissions here (and to roles through a migration).
 */
import { hasPermission } from "./permissions.ts";

/** One permission and what it allows. */
export interface PermissionInfo {
  name: string;
  description: string;
}

/** The catalog, in display order. */
export const PERMISSIONS: readonly PermissionInfo[] = [
  { name: "self:read", description: "See one's own sessions and API keys" },
  {
    name: "self:update",
    description: "Change one's own profile and password; revoke own sessions; manage own API keys",
  },
  { name: "users:read", description: "List and view users" },
  {
    name: "users:update",
    description:
      "Change, disable and enable users, reset their passwords, revoke their sessions and keys",
  },
  { name: "users:manage", description: "Create and delete users, assign roles and library access" },
  { name: "roles:read", description: "List roles and permissions" },
  { name: "roles:manage", description: "Create, change and delete roles" },
  { name: "audit:read", description: "Read the audit log" },
  { name: "settings:read", description: "Read server settings" },
  { name: "settings:manage", description: "Change server settings" },
  { name: "libraries:read", description: "Browse the libraries one is granted" },
  { name: "libraries:manage", description: "Create, change, scan and delete libraries; see all" },
  { name: "movies:read", description: "Browse movies and their metadata" },
  { name: "movies:manage", description: "Edit and delete movies and their metadata" },
  {
    name: "collections:manage",
    description: "Create, rename, fill and delete manual collections",
  },
  { name: "playback:stream", description: "Play movies (direct play and remux)" },
  { name: "playback:transcode", description: "Play movies transcoded by the server" },
  { name: "playback:manage", description: "See everyone's active streams and stop them" },
  { name: "requests:read", description: "See movie requests" },
  { name: "requests:create", description: "Request movies" },
  { name: "requests:manage", description: "Approve, decline and delete requests" },
  { name: "content:moderate", description: "Moderate user content" },
  { name: "jobs:read", description: "See background jobs and queues" },
  { name: "jobs:manage", description: "Retry, cancel and schedule background jobs" },
  { name: "backups:read", description: "List the server's backups" },
  { name: "backups:manage", description: "Make a backup of the server now" },
];

const NAMES = new Set(PERMISSIONS.map((p) => p.name));
const RESOURCES = new Set(PERMISSIONS.map((p) => p.name.split(":")[0]));

/** True for a catalog permission, `resource:*` of a known resource, or `*:*`. */
export function isValidPermission(pattern: string): boolean {
  if (pattern === "*:*" || NAMES.has(pattern)) return true;
  const [resource, action, ...rest] = pattern.split(":");
  return action === "*" && rest.length === 0 && RESOURCES.has(resource);
}

/** The catalog permissions that a set of patterns grants. */
export function expandPermissions(patterns: Iterable<string>): Set<string> {
  const granted = new Set(patterns);
  return new Set([...NAMES].filter((n) => hasPermission(granted, n)));
}

/**
 * True when `granted` allows everything `wanted` allows, now and after the
 * catalog grows. Used so that nobody hands out (to a role, a key or another
 * user) more than they hold. A wildcard is handed out only by a holder of
 * that wildcard (or `*:*`): holding every `users:` permission of today's
 * catalog is not holding `users:*`, which also grants tomorrow's.
 */
export function covers(granted: ReadonlySet<string>, wanted: Iterable<string>): boolean {
  const w = new Set(wanted);
  for (const p of w) {
    if (p.endsWith(":*") && !granted.has(p) && !granted.has("*:*")) return false;
  }
  for (const p of expandPermissions(w)) if (!hasPermission(granted, p)) return false;
  return true;
}
