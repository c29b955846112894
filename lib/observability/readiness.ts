/**
 * Probe state: `/healthz` (alive), `/startupz` (start-up finished) and
 * `/readyz` (database reachable and migrations applied).
 */
import type { Sql } from "../db/client.ts";

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

/** Creates the probe state for a pool. */
export function createReadiness(sql: Sql, timeoutMs = 2000): Readiness {
  const state: Readiness = {
    started: false,
    migrated: false,
    draining: false,
    async check() {
      let database: "ok" | "unreachable" = "unreachable";
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          sql`select 1`,
          new Promise((
            _,
            reject,
          ) => (timer = setTimeout(() => reject(new Error("timeout")), timeoutMs))),
        ]);
        database = "ok";
      } catch {
        /* stays unreachable */
      } finally {
        clearTimeout(timer);
      }
      const migrations = state.migrated ? "ok" : "pending";
      return {
        ready: database === "ok" && migrations === "ok" && !state.draining,
        checks: { database, migrations },
      };
    },
  };
  return state;
}
