/**
 * Radarr's webhook payloads (`src/NzbDrone.Core/Notifications/Webhook/`:
 * WebhookPayload and its Grab, Import (eventType `Download`), Rename,
 * MovieAdded, MovieDelete, MovieFileDelete, Health and Test subclasses),
 * read loosely: only the fields acted on are named, and an event type we do
 * not know is still an event (accepted and logged). Each event gets a key
 * from what identifies it, so a delivery received twice is recognised.
 */
import { z } from "zod";
import { RadarrMediaInfo } from "./radarr_types.ts";

const WebhookMovie = z.looseObject({
  id: z.number().int(),
  title: z.string().nullish(),
  year: z.number().int().nullish(),
  folderPath: z.string().nullish(),
  tmdbId: z.number().int().nullish(),
  imdbId: z.string().nullish(),
});

const WebhookMovieFile = z.looseObject({
  id: z.number().int(),
  relativePath: z.string().nullish(),
  path: z.string().nullish(),
  size: z.number().nullish(),
  mediaInfo: RadarrMediaInfo.nullish(),
});

const RenamedFile = WebhookMovieFile.extend({
  previousRelativePath: z.string().nullish(),
  previousPath: z.string().nullish(),
});

/** Any payload: an object with an `eventType`. */
export const WebhookPayload = z.looseObject({
  eventType: z.string().min(1).max(100),
  instanceName: z.string().nullish(),
  applicationUrl: z.string().nullish(),
});

/** The payloads acted on, by event type. */
export const EVENT_SCHEMAS = {
  Download: z.looseObject({
    eventType: z.literal("Download"),
    movie: WebhookMovie,
    movieFile: WebhookMovieFile,
    isUpgrade: z.boolean().nullish(),
    deletedFiles: z.array(WebhookMovieFile).nullish(),
  }),
  Rename: z.looseObject({
    eventType: z.literal("Rename"),
    movie: WebhookMovie,
    renamedMovieFiles: z.array(RenamedFile).default([]),
  }),
  MovieFileDelete: z.looseObject({
    eventType: z.literal("MovieFileDelete"),
    movie: WebhookMovie,
    movieFile: WebhookMovieFile,
    deleteReason: z.string().nullish(),
  }),
  MovieDelete: z.looseObject({
    eventType: z.literal("MovieDelete"),
    movie: WebhookMovie,
    deletedFiles: z.boolean().nullish(),
  }),
  MovieAdded: z.looseObject({ eventType: z.literal("MovieAdded"), movie: WebhookMovie }),
  Grab: z.looseObject({
    eventType: z.literal("Grab"),
    movie: WebhookMovie,
    downloadId: z.string().nullish(),
  }),
} as const;

/** An event type Revenge acts on. */
export type KnownEventType = keyof typeof EVENT_SCHEMAS;

/** A parsed event of a known type. */
export type KnownEvent<T extends KnownEventType> = z.infer<typeof EVENT_SCHEMAS[T]>;

async function sha256(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A stable JSON text of `v` (keys sorted), for hashing. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${
      Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")
    }}`;
  }
  return JSON.stringify(v) ?? "null";
}

/**
 * The key of an event: its type and the ids that make it one event (a
 * Download is one imported file, a MovieFileDelete one deleted file, a
 * Rename one set of moves); any other event is known by its whole content.
 */
export async function eventKey(payload: z.infer<typeof WebhookPayload>): Promise<string> {
  const t = payload.eventType;
  const schema = EVENT_SCHEMAS[t as KnownEventType];
  const parsed = schema?.safeParse(payload);
  if (parsed?.success) {
    const e = parsed.data as Record<string, unknown> & { movie: { id: number } };
    if (t === "Download") {
      return `Download:${e.movie.id}:${(e as KnownEvent<"Download">).movieFile.id}`;
    }
    if (t === "MovieFileDelete") {
      return `MovieFileDelete:${e.movie.id}:${(e as KnownEvent<"MovieFileDelete">).movieFile.id}`;
    }
    if (t === "MovieAdded" || t === "MovieDelete") return `${t}:${e.movie.id}`;
    if (t === "Rename") {
      const moves = (e as KnownEvent<"Rename">).renamedMovieFiles.map((f) =>
        `${f.id}:${f.previousPath ?? ""}>${f.path ?? ""}`
      ).sort();
      return `Rename:${e.movie.id}:${(await sha256(moves.join("\n"))).slice(0, 32)}`;
    }
    const grab = e as KnownEvent<"Grab">;
    if (t === "Grab" && grab.downloadId) return `Grab:${grab.downloadId}`;
  }
  return `${t.slice(0, 40)}:${(await sha256(canonical(payload))).slice(0, 32)}`;
}
