/**
 * Probe state: `/healthz` (alive), `/startupz` (start-up finished) and
 * `/readyz` (database reachable and migrations applied).
 */

/** Result of a readiness check. */
export interface ReadinessReport {
  ready: boolean;
  checks: { database: "ok" | "unreachable"; migrations: "ok" | "pending" };
}

/** Shared probe state; `main.ts` flips the flags as start-up progresses. */
export interface Readiness {
  started: boolean;
  migrated: boolean;
  /** Set while shutting down, so load balancers stop sending traffic. */
  draining: boolean;
  check(): Promise<ReadinessReport>;
}

/**
 * Creates the probe state; `pingDatabase` is one round trip to the database. Probes can arrive in floods (load
 * balancers, orchestrators, a start-up poll loop): at most one ping is in
 * flight, and a result is reused for `cacheMs`, so probing never queues
 * queries on the pool or slows the server it watches.
 */
export function createReadiness(
  pingDatabase: () => Promise<unknown>,
  timeoutMs = 2000,
  cacheMs = 500,
): Readiness {
  let inflight: Promise<"ok" | "unreachable"> | undefined;
  let last: { at: number; result: "ok" | "unreachable" } | undefined;

  async function ping(): Promise<"ok" | "unreachable"> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        pingDatabase(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
        }),
      ]);
      return "ok";
    } catch {
      return "unreachable";
    } finally {
      clearTimeout(timer);
    }
  }

  function database(): Promise<"ok" | "unreachable"> {
    if (last && performance.now() - last.at < cacheMs) return Promise.resolve(last.result);
    inflight ??= ping().then((result) => {
      last = { at: performance.now(), result };
      inflight = undefined;
      return result;
    });
    return inflight;
  }

  const state: Readiness = {
    started: false,
    migrated: false,
    draining: false,
    async check() {
      const db = await database();
      const migrations = state.migrated ? "ok" : "pending";
      return {
        ready: db === "ok" && migrations === "ok" && !state.draining,
        checks: { database: db, migrations },
      };
    },
  };
  return state;
}
