/**
 * The auth domain's periodic jobs: pruning the audit log past its retention,
 * and deleting sessions and reset links past their end. They run once per
 * period across all instances (the job scheduler), not as a timer on each.
 * Cut-offs are computed when the schedule fires, on the service clock, and
 * travel in the payload: the handler in its worker only deletes, so a retry
 * deletes the same rows.
 */
import { z } from "zod";
import { createAuditRepo } from "../db/audit_repo.ts";
import { createPasswordResetRepo } from "../db/password_reset_repo.ts";
import { createMfaPendingLoginRepo } from "../db/mfa_pending_login_repo.ts";
import { createSessionRepo } from "../db/session_repo.ts";
import { createWebauthnRepo } from "../db/webauthn_repo.ts";
import { defineJobKinds } from "../jobs/kinds.ts";
import type { PeriodicSchedule } from "../jobs/scheduler.ts";
import type { JobHandlerDeps, JobHandlers } from "../jobs/types.ts";

const iso = z.iso.datetime();

/** The auth job kinds. */
export const AUTH_KINDS = defineJobKinds({
  /** Deletes audit entries older than `before`. */
  "auth.audit.prune": { payload: z.object({ before: iso }), maxAttempts: 3 },
  /**
   * Deletes sessions past their absolute end or idle since `idleSince`, used-up
   * reset links, logins that waited for a second factor in vain and unused
   * passkey challenges.
   */
  "auth.sessions.cleanup": {
    payload: z.object({ now: iso, idleSince: iso }),
    maxAttempts: 3,
  },
});

/** Settings the schedules need. */
export interface AuthJobSettings {
  auditKeepDays: number;
  sessionIdleSec: number;
}

/** The schedules: audit prune hourly (unless kept forever), clean-up every 15 minutes. */
export function authSchedules(s: AuthJobSettings): PeriodicSchedule<typeof AUTH_KINDS>[] {
  const cleanup: PeriodicSchedule<typeof AUTH_KINDS> = {
    name: "auth.sessions.cleanup",
    cron: "*/15 * * * *",
    kind: "auth.sessions.cleanup",
    payload: (now) => ({
      now: now.toISOString(),
      idleSince: new Date(now.getTime() - s.sessionIdleSec * 1000).toISOString(),
    }),
  };
  if (s.auditKeepDays <= 0) return [cleanup];
  return [cleanup, {
    name: "auth.audit.prune",
    cron: "41 * * * *",
    kind: "auth.audit.prune",
    payload: (now) => ({
      before: new Date(now.getTime() - s.auditKeepDays * 86_400_000).toISOString(),
    }),
  }];
}

/** The handlers, in a job worker. */
export function authJobHandlers(deps: JobHandlerDeps): JobHandlers<typeof AUTH_KINDS> {
  return {
    async "auth.audit.prune"(job) {
      const n = await createAuditRepo(deps.sql).prune(new Date(job.payload.before));
      if (n) job.logger.info("audit entries pruned", { count: n, before: job.payload.before });
    },
    async "auth.sessions.cleanup"(job) {
      const now = new Date(job.payload.now);
      const ended = await createSessionRepo(deps.sql).deleteExpired(
        now,
        new Date(job.payload.idleSince),
      );
      await createPasswordResetRepo(deps.sql).deleteExpired(now);
      await createMfaPendingLoginRepo(deps.sql).deleteExpired(now);
      await createWebauthnRepo(deps.sql).deleteExpiredChallenges(now);
      if (ended.length) job.logger.info("expired sessions deleted", { count: ended.length });
    },
  };
}
