/**
 * Who is calling and what they may do. Permissions are strings
 * `resource:action`; `*:*` grants everything and `resource:*` every action on
 * one resource. The accounts service fills a {@linkcode Principal} from the
 * session or API key; nothing else may.
 */

/** The authenticated caller of a request. */
export interface Principal {
  userId: string;
  username: string;
  /** Set when authenticated by a session (cookie or bearer access token). */
  sessionId?: string;
  /** Set when authenticated by an API key. */
  apiKeyId?: string;
  /**
   * Set when authenticated by a stream token (`lib/auth/stream_tokens.ts`):
   * the one media file it may fetch. Such a principal holds only playback
   * permissions, and only on media paths of that file.
   */
  streamFileId?: string;
  /** Effective permissions (for API keys: the key's subset of the owner's). */
  permissions: ReadonlySet<string>;
  /**
   * True for a session of a user whose role requires a second factor they do
   * not have yet: the session may only enrol one (`lib/http/mfa_enrolment_routes.ts`).
   */
  mfaEnrolmentRequired?: boolean;
}

/** True when `granted` (a set of permission patterns) allows `wanted`. */
export function hasPermission(granted: ReadonlySet<string>, wanted: string): boolean {
  if (granted.has(wanted) || granted.has("*:*")) return true;
  const [resource] = wanted.split(":");
  return granted.has(`${resource}:*`);
}
