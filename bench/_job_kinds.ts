/** Job kinds of bench/jobs_bench.ts, loaded into the benchmark's job workers. */
import { z } from "zod";
import { defineJobKinds } from "../lib/jobs/kinds.ts";
import type { JobHandlers } from "../lib/jobs/types.ts";

/** Benchmark kinds. */
export const BENCH_KINDS = defineJobKinds({
  "bench.noop": { payload: z.object({}) },
  /** Records when its handler started (wall clock, sub-millisecond). */
  "bench.stamp": { payload: z.object({}) },
});

/** Handlers of {@linkcode BENCH_KINDS}. */
export const handlers: JobHandlers<typeof BENCH_KINDS> = {
  async "bench.noop"() {},
  async "bench.stamp"(job) {
    const startedAt = performance.timeOrigin + performance.now();
    await job.sql`insert into bench_stamps (job_id, started_at) values (${job.id}, ${startedAt})`;
  },
};
