/** The `jobs` section: workers, concurrency, leases, polling, retention. */
import { z } from "zod";
import { defineSection } from "../config/config.ts";
import { duration, integer } from "../config/values.ts";
import { type QueueName, QUEUES } from "../model/job.ts";

const QUEUE_LIMITS = `must be queue=number pairs separated by commas (or a JSON object); queues: ${
  QUEUES.join(", ")
}`;

// `scan=1,metadata=8` in the environment, `{"scan": 1}` in the file; unnamed queues keep defaults.
const queueLimits = z.unknown().transform((v, ctx) => {
  const pairs: [string, unknown][] = typeof v === "string"
    ? v.split(",").map((p) => p.trim()).filter(Boolean).map((p) => {
      const m = /^([a-z]+)=(\d+)$/.exec(p);
      return m ? [m[1], Number(m[2])] : [p, NaN];
    })
    : typeof v === "object" && v !== null && !Array.isArray(v)
    ? Object.entries(v)
    : [["", NaN]];
  const out: Partial<Record<QueueName, number>> = {};
  for (const [q, n] of pairs) {
    if (
      !(QUEUES as readonly string[]).includes(q) || !Number.isSafeInteger(n) || (n as number) < 0
    ) {
      ctx.addIssue({ code: "custom", message: QUEUE_LIMITS });
      return z.NEVER;
    }
    out[q as QueueName] = n as number;
  }
  return out;
});

/** The `jobs` section. */
export const jobsConfig = defineSection("jobs", "Background jobs.", {
  workers: {
    env: "REVENGE_JOB_WORKERS",
    schema: integer(0, 64),
    default: 2,
    legacy: "jobWorkers",
    doc:
      "Web Workers that run background jobs; 0 runs none on this instance (it still enqueues, rescues and fires schedules).",
  },
  concurrency: {
    env: "REVENGE_JOB_CONCURRENCY",
    schema: queueLimits,
    default: "",
    legacy: "jobConcurrency",
    doc:
      "Jobs run at once per queue on this instance, e.g. `scan=1,metadata=8`. Unnamed queues keep their defaults: scan 2 (the walks of two libraries side by side), probe 2 (ffprobe batches; each runs `library.probeConcurrency` ffprobes), metadata 8, images 8, search 2, notifications 4, default 8.",
  },
  leaseMs: {
    env: "REVENGE_JOB_LEASE_MS",
    schema: duration("ms", 1000),
    default: 30000,
    legacy: "jobLeaseMs",
    doc:
      "How long a claimed job stays reserved without a heartbeat; the job of a crashed worker or process is retried after it (milliseconds).",
  },
  pollMs: {
    env: "REVENGE_JOB_POLL_MS",
    schema: duration("ms", 100),
    default: 5000,
    legacy: "jobPollMs",
    doc: "How often idle job runners look for work when no notification arrives (milliseconds).",
  },
  retentionHours: {
    env: "REVENGE_JOB_RETENTION_HOURS",
    schema: duration("h", 1),
    default: 168,
    legacy: "jobRetentionHours",
    doc:
      "How long finished (succeeded, dead, cancelled) jobs are kept before they are pruned (hours).",
  },
});
