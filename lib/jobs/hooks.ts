/**
 * Transactional hooks between modules. A module names a point of its own
 * work with {@linkcode defineHook} and runs it inside its transaction; other
 * modules attach functions to that point through their `jobs.hooks`, so what
 * they write (a job enqueued, a row) commits with the owner's work or not at
 * all. The owner never knows who listens: the scanner announces the films it
 * created, and the metadata module, when it is registered, enqueues their
 * identification. The job worker collects every module's bindings before it
 * builds any handler (workers/job_worker.ts).
 */
import type { Tx } from "../db/client.ts";

/** A named point whose listeners get a `P` inside the owner's transaction. */
export interface HookPoint<P> {
  readonly name: string;
  /** Carries the payload type only; never set. */
  readonly payload?: P;
}

/** A listener attached to a point (made by {@linkcode onHook}). */
export interface HookBinding {
  point: string;
  fn: (tx: Tx, payload: never) => Promise<void>;
}

/** What a handler runs its points through. */
export interface Hooks {
  /** Runs every listener of `point`, in registration order, in `tx`. */
  run<P>(point: HookPoint<P>, tx: Tx, payload: P): Promise<void>;
}

/** Declares a hook point (the owning module exports it). */
export function defineHook<P>(name: string): HookPoint<P> {
  return { name };
}

/** Attaches `fn` to `point`. */
export function onHook<P>(
  point: HookPoint<P>,
  fn: (tx: Tx, payload: P) => Promise<void>,
): HookBinding {
  return { point: point.name, fn: fn as HookBinding["fn"] };
}

/** The hooks made of `bindings` (none: every point runs nothing). */
export function createHooks(bindings: readonly HookBinding[] = []): Hooks {
  const byPoint = new Map<string, HookBinding["fn"][]>();
  for (const b of bindings) byPoint.set(b.point, [...byPoint.get(b.point) ?? [], b.fn]);
  return {
    async run(point, tx, payload) {
      for (const fn of byPoint.get(point.name) ?? []) {
        await (fn as (tx: Tx, p: typeof payload) => Promise<void>)(tx, payload);
      }
    },
  };
}
