/**
 * Notifications as domain data: the event catalog, the agent kinds, and the
 * shapes of events and agents. Behaviour lives in `lib/notifications/`.
 */

/**
 * Who may hear of an event:
 * - `self`: the user it is about (and administrators' agents);
 * - `library`: anyone who can see the event's library;
 * - `admin`: administrators' agents only.
 */
export type EventAudience = "self" | "library" | "admin";

/** The event catalog (the Go predecessor's list), with who may hear of each. */
export const NOTIFICATION_EVENTS = {
  "movie.added": { audience: "library", title: "New film: {{title}}" },
  "movie.available": { audience: "library", title: "Ready to play: {{title}}" },
  "request.created": { audience: "admin", title: "{{username}} requested {{title}}" },
  "request.approved": { audience: "self", title: "Your request for {{title}} was approved" },
  "user.created": { audience: "admin", title: "New user: {{username}}" },
  "playback.started": { audience: "admin", title: "{{username}} started {{title}}" },
  "library.scan_done": { audience: "library", title: "Scan of {{library}} finished" },
  "auth.login_success": { audience: "self", title: "{{username}} logged in" },
  "auth.login_failed": { audience: "self", title: "Failed login for {{username}}" },
  "auth.mfa_enabled": { audience: "self", title: "Two-step login enabled for {{username}}" },
  "auth.password_changed": { audience: "self", title: "Password changed for {{username}}" },
} as const satisfies Record<string, { audience: EventAudience; title: string }>;

/** One of the catalog's event types. */
export type NotificationEventType = keyof typeof NOTIFICATION_EVENTS;

/** Every event type, in catalog order. */
export const EVENT_TYPES = Object.keys(NOTIFICATION_EVENTS) as NotificationEventType[];

/** The agent kinds. */
export const AGENT_KINDS = ["webhook", "discord", "gotify", "ntfy", "email"] as const;
/** One of {@linkcode AGENT_KINDS}. */
export type AgentKind = typeof AGENT_KINDS[number];

/** A value an event field may hold (templates render them as text). */
export type EventFieldValue = string | number | boolean | null;

/** An event as emitted: its type, when, whom and which library it concerns, and its fields. */
export interface NotificationEvent {
  type: NotificationEventType;
  /** ISO time of the change. */
  at: string;
  /** The user the event is about (self audience), if any. */
  userId?: string;
  /** The library the event is about (library audience), if any. */
  libraryId?: string;
  /** The event's fields, shown in templates as `{{name}}`. */
  fields: Record<string, EventFieldValue>;
}

/** An agent as the API shows it: settings without secrets, and which secrets are set. */
export interface NotificationAgent {
  id: string;
  /** Null for an administrator's agent. */
  ownerUserId: string | null;
  kind: AgentKind;
  name: string;
  enabled: boolean;
  events: NotificationEventType[];
  userSelectable: boolean;
  settings: Record<string, unknown>;
  /** The names of the secrets that are set (never their values). */
  secretsSet: string[];
  titleTemplate: string | null;
  bodyTemplate: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Renders `{{field}}` placeholders with the event's fields; unknown ones become "". */
export function renderTemplate(
  template: string,
  fields: Record<string, EventFieldValue>,
): string {
  return template.replace(/\{\{\s*([a-zA-Z][\w.]*)\s*\}\}/g, (_m, name: string) => {
    const v = fields[name];
    return v === undefined || v === null ? "" : String(v);
  });
}
