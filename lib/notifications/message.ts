/**
 * The message of an event for one agent: title and body from the agent's
 * templates (or the catalog's defaults) with the event's fields, a colour
 * and tags per kind of event, and the fields themselves for structured
 * receivers (webhook JSON, Discord embed fields).
 */
import {
  type EventFieldValue,
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  renderTemplate,
} from "../model/notification.ts";

/** What an agent sends. */
export interface Message {
  event: NotificationEvent;
  title: string;
  body: string;
  /** RGB colour, for Discord's embed. */
  color: number;
  /** ntfy tags (emoji short codes). */
  tags: string[];
  /** 1 (min) to 5 (urgent), ntfy's scale; Gotify's is twice it. */
  priority: number;
  /** A poster or other image, when the event has one. */
  imageUrl?: string;
  /** A link to the thing, when the event has one. */
  url?: string;
}

const STYLE: Record<string, { color: number; tags: string[]; priority: number }> = {
  "movie.added": { color: 0x2e86de, tags: ["movie_camera"], priority: 3 },
  "movie.available": { color: 0x27ae60, tags: ["popcorn"], priority: 3 },
  "request.created": { color: 0x8e44ad, tags: ["inbox_tray"], priority: 3 },
  "request.approved": { color: 0x16a085, tags: ["white_check_mark"], priority: 3 },
  "user.created": { color: 0x2980b9, tags: ["bust_in_silhouette"], priority: 3 },
  "playback.started": { color: 0xf39c12, tags: ["arrow_forward"], priority: 2 },
  "library.scan_done": { color: 0x7f8c8d, tags: ["books"], priority: 2 },
  "auth.login_success": { color: 0x3498db, tags: ["key"], priority: 3 },
  "auth.login_failed": { color: 0xe74c3c, tags: ["warning"], priority: 4 },
  "auth.mfa_enabled": { color: 0x1abc9c, tags: ["lock"], priority: 3 },
  "auth.password_changed": { color: 0xe67e22, tags: ["lock"], priority: 4 },
};

function defaultBody(fields: Record<string, EventFieldValue>): string {
  return Object.entries(fields)
    .filter(([k, v]) => v !== null && v !== "" && k !== "posterUrl" && k !== "url")
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
}

/** Builds the message of `event` with an agent's templates (null: the defaults). */
export function buildMessage(
  event: NotificationEvent,
  templates: { title: string | null; body: string | null },
): Message {
  const style = STYLE[event.type] ?? { color: 0x95a5a6, tags: [], priority: 3 };
  const fields = { event: event.type, at: event.at, ...event.fields };
  const title = renderTemplate(templates.title ?? NOTIFICATION_EVENTS[event.type].title, fields);
  const body = templates.body ? renderTemplate(templates.body, fields) : defaultBody(event.fields);
  const image = event.fields.posterUrl;
  const link = event.fields.url;
  return {
    event,
    title: title.slice(0, 250),
    body: body.slice(0, 4000),
    color: style.color,
    tags: style.tags,
    priority: style.priority,
    imageUrl: typeof image === "string" && image ? image : undefined,
    url: typeof link === "string" && link ? link : undefined,
  };
}
