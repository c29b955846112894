/**
 * When a TMDb request may be sent. Job handlers run in several Web Workers
 * (and Revenge on several hosts), which share no memory, so the schedule
 * lives in PostgreSQL (lib/db/tmdb_rate_repo.ts): each request reserves the
 * next slot, `intervalMs` after the previous one, and waits for it.
 *
 * Two things keep the sends themselves on the schedule, which is what TMDb
 * counts:
 * - slots are on the database's clock; each isolate converts them to its
 *   own with an offset measured NTP-style (the round trip with the smallest
 *   delay wins, error at most half of it), not by "wait this long from when
 *   the answer arrived", which would add every query's latency to the slot;
 * - a caller that wakes more than {@linkcode LATE_MS} after its slot (a busy
 *   event loop) gives the slot up and reserves another, instead of sending
 *   right before the next slot's owner. An empty slot only lowers the rate.
 */
import type { TmdbRateRepo } from "../db/tmdb_rate_repo.ts";

/** How late after its slot a request may still be sent. */
export const LATE_MS = 10;
/** How far ahead a slot is reserved when none is waiting: the reservation's round trip fits in it. */
const LEAD_MS = 10;
/** Slots missed in a row after which a request goes anyway (a machine this loaded must not starve). */
const MAX_MISSES = 5;
/** An offset sample is trusted this long; after it any new sample may replace it (clock steps). */
const OFFSET_TTL_MS = 10 * 60_000;

/** The schedule of one API base. */
export interface TmdbSchedule {
  /** Resolves when the caller may send. */
  wait(): Promise<void>;
  /** Moves every sender's next slot past `ms` from now (a 429). */
  pause(ms: number): Promise<void>;
}

/** Per API base: until when this isolate's senders hold back after a 429 (local clock). */
const pausedUntil = new Map<string, number>();

const localNow = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The schedule `key` with slots `intervalMs` apart. */
export function createTmdbSchedule(
  rate: TmdbRateRepo,
  o: { key: string; intervalMs: number },
): TmdbSchedule {
  // Local clock minus the database's, from the sample with the smallest round trip.
  let best: { rtt: number; offset: number; at: number } | undefined;
  let calibrating: Promise<void> | undefined;

  function sample(sent: number, received: number, dbNow: number): void {
    const rtt = received - sent;
    if (best && rtt >= best.rtt && received - best.at < OFFSET_TTL_MS) return;
    best = { rtt, offset: (sent + received) / 2 - dbNow, at: received };
  }

  function calibrate(): Promise<void> {
    calibrating ??= (async () => {
      for (let i = 0; i < 3; i++) {
        const sent = localNow();
        const db = await rate.clock();
        sample(sent, localNow(), db);
      }
    })().finally(() => calibrating = undefined);
    return calibrating;
  }

  return {
    async wait() {
      if (!best) await calibrate();
      for (let miss = 0;; miss++) {
        const sent = localNow();
        const slot = await rate.reserve(o.key, o.intervalMs, LEAD_MS);
        sample(sent, localNow(), slot.nowMs);
        const target = slot.slotMs + best!.offset;
        for (let left = target - localNow(); left > 0; left = target - localNow()) {
          await sleep(Math.max(1, left));
        }
        const paused = pausedUntil.get(o.key) ?? 0;
        if (localNow() < paused) {
          // Reserved before a 429 arrived: wait it out and take a slot after it.
          await sleep(paused - localNow());
          miss--;
          continue;
        }
        if (localNow() - target <= LATE_MS || miss + 1 >= MAX_MISSES) return;
      }
    },
    async pause(ms) {
      pausedUntil.set(o.key, Math.max(pausedUntil.get(o.key) ?? 0, localNow() + ms));
      await rate.pause(o.key, ms);
    },
  };
}
