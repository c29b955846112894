/**
 * How services announce an event: {@linkcode emitNotification} in the
 * transaction of the change enqueues its fan-out job there, so the event
 * exists exactly when the change commits (the job table is the outbox).
 * Services call it with one line; they never learn who listens.
 */
import type { Queryable } from "../db/client.ts";
import { createJobQueue } from "../jobs/job_queue.ts";
import type { EventFieldValue, NotificationEventType } from "../model/notification.ts";
import { safeText } from "../model/unsafe_text.ts";
import { NOTIFY_KINDS } from "./kinds.ts";

/** What an emitter says about an event (`at` defaults to now). */
export interface EmitInput {
  type: NotificationEventType;
  at?: Date;
  userId?: string;
  libraryId?: string;
  fields: Record<string, EventFieldValue | undefined>;
}

/** Enqueues the event's fan-out in `tx` (a transaction, or the pool outside one). */
export async function emitNotification(tx: Queryable, input: EmitInput): Promise<void> {
  const fields: Record<string, EventFieldValue> = {};
  for (const [k, v] of Object.entries(input.fields)) {
    if (v === undefined) continue;
    // Text comes from requests (a typed user name): no NUL or lone surrogate reaches jsonb.
    fields[k] = typeof v === "string" ? safeText(v.slice(0, 2000)) : v;
  }
  await createJobQueue({ sql: tx, kinds: NOTIFY_KINDS }).enqueue("notify.fanout", {
    event: {
      type: input.type,
      at: (input.at ?? new Date()).toISOString(),
      ...(input.userId ? { userId: input.userId } : {}),
      ...(input.libraryId ? { libraryId: input.libraryId } : {}),
      fields,
    },
  }, { tx });
}

/**
 * `playback.started`, for the playback sessions (lib/playback) to call in
 * the transaction that creates a session.
 */
export async function emitPlaybackStarted(
  tx: Queryable,
  p: { userId: string; username: string; movieId: string; title: string; libraryId?: string },
): Promise<void> {
  await emitNotification(tx, {
    type: "playback.started",
    userId: p.userId,
    libraryId: p.libraryId,
    fields: { username: p.username, movieId: p.movieId, title: p.title },
  });
}
