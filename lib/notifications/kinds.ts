/**
 * The notification job kinds, on the `notifications` queue: the fan-out of
 * one event to its recipients, and one delivery per recipient (its own
 * retries, so a dead receiver holds up nobody else).
 */
import { z } from "zod";
import { defineJobKinds } from "../jobs/kinds.ts";
import { EVENT_TYPES } from "../model/notification.ts";

/** An event as a job payload carries it. */
export const EventPayload = z.object({
  type: z.enum(EVENT_TYPES),
  at: z.iso.datetime(),
  userId: z.uuid().optional(),
  libraryId: z.uuid().optional(),
  fields: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])),
});

/** The notification module's kinds. */
export const NOTIFY_KINDS = defineJobKinds({
  /** Finds who hears of an event and enqueues one delivery each. */
  "notify.fanout": {
    payload: z.object({ event: EventPayload }),
    queue: "notifications",
    maxAttempts: 5,
    timeoutMs: 60_000,
  },
  /** Sends one event through one agent (for one user, on a user-selectable agent). */
  "notify.deliver": {
    payload: z.object({
      event: EventPayload,
      agentId: z.uuid(),
      userId: z.uuid().nullable(),
    }),
    queue: "notifications",
    maxAttempts: 5,
    timeoutMs: 60_000,
  },
});

/** The kind table's type. */
export type NotifyKinds = typeof NOTIFY_KINDS;
