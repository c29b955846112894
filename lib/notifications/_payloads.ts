/**
 * The wire bodies of the HTTP agents, from their documentation: Discord's
 * execute-webhook (`embeds` with colour, thumbnail, fields, timestamp),
 * Gotify's `POST /message`, ntfy's JSON publish (`POST /` with `topic`),
 * and our own webhook JSON.
 */
import type { Message } from "./message.ts";

/** Our webhook's JSON: the event as emitted, plus the rendered text. */
export function webhookBody(m: Message) {
  return {
    event: m.event.type,
    at: m.event.at,
    title: m.title,
    message: m.body,
    fields: m.event.fields,
  };
}

/** Discord's execute-webhook body: one embed. */
export function discordBody(m: Message, s: { username?: string; avatarUrl?: string }) {
  const fields = Object.entries(m.event.fields)
    .filter(([k, v]) => v !== null && v !== "" && k !== "posterUrl" && k !== "url")
    .slice(0, 25)
    .map(([name, value]) => ({ name, value: String(value).slice(0, 1024), inline: true }));
  return {
    username: s.username || "Revenge",
    ...(s.avatarUrl ? { avatar_url: s.avatarUrl } : {}),
    // Nobody is pinged by text that comes from a file name or a user name.
    allowed_mentions: { parse: [] },
    embeds: [{
      title: m.title.slice(0, 256),
      description: m.body.slice(0, 4096) || undefined,
      color: m.color,
      timestamp: m.event.at,
      ...(m.url ? { url: m.url } : {}),
      ...(m.imageUrl ? { thumbnail: { url: m.imageUrl } } : {}),
      fields,
      footer: { text: m.event.type },
    }],
  };
}

/** Gotify's message: priority 0–10 (twice ntfy's), markdown off. */
export function gotifyBody(m: Message) {
  return {
    title: m.title,
    message: m.body || m.title,
    priority: m.priority * 2,
    extras: {
      "client::display": { contentType: "text/plain" },
      ...(m.url ? { "client::notification": { click: { url: m.url } } } : {}),
    },
  };
}

/** ntfy's JSON publish. */
export function ntfyBody(m: Message, s: { topic?: string; priority?: number; tags?: string[] }) {
  return {
    topic: s.topic,
    title: m.title,
    message: m.body || m.title,
    priority: s.priority ?? m.priority,
    tags: [...(s.tags ?? []), ...m.tags],
    ...(m.url ? { click: m.url } : {}),
    ...(m.imageUrl ? { attach: m.imageUrl } : {}),
  };
}
