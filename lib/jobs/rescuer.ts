/**
 * The rescuer: returns running jobs whose lease expired (their worker
 * crashed, was terminated, or the whole process died) to the queue after
 * their back-off, or marks them dead at max attempts. Every instance runs
 * one; SKIP LOCKED keeps them out of each other's way.
 */
import type { Sql } from "../db/client.ts";
import { createJobRepo } from "../db/job_repo.ts";
import { retryDelayMs } from "./backoff.ts";
import type { BackoffPolicy } from "./types.ts";

/** Dependencies of {@linkcode createRescuer}. */
export interface RescuerDeps {
  sql: Sql;
  backoff: BackoffPolicy;
  /** Rows per transaction. */
  batch?: number;
}

/** Runs one rescue pass; resolves to the number of jobs rescued. */
export type Rescuer = () => Promise<number>;

/** Creates the rescuer. */
export function createRescuer(deps: RescuerDeps): Rescuer {
  const batch = deps.batch ?? 100;
  return async function rescue() {
    let total = 0;
    for (;;) {
      const n = await deps.sql.begin(async (tx) => {
        const repo = createJobRepo(tx);
        const expired = await repo.lockExpired(batch);
        return await repo.rescue(
          expired.map((j) => ({ id: j.id, retryInMs: retryDelayMs(j.attempt, deps.backoff) })),
        );
      });
      total += n;
      if (n < batch) return total;
    }
  };
}
