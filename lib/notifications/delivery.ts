/**
 * The notification jobs. `notify.fanout` decides who hears of an event:
 * administrators' agents subscribed to it, users' own agents and users'
 * choices on selectable agents, but a user only for what they may see
 * (their own account's events, films of libraries granted to them,
 * administrative events only with `users:read`). It enqueues one
 * `notify.deliver` per recipient in the transaction that completes it, so a
 * retried fan-out never doubles a delivery. Each delivery retries on its
 * own with back-off; a receiver that hangs holds one slot of the
 * `notifications` queue for at most the timeout, never the others.
 */
import type { SecretBox } from "../auth/secret_box.ts";
import { createNotificationAgentRepo } from "../db/notification_agent_repo.ts";
import { createUserRepo } from "../db/user_repo.ts";
import type { Queryable } from "../db/client.ts";
import { createJobQueue } from "../jobs/job_queue.ts";
import { PermanentJobError } from "../jobs/job_errors.ts";
import { OutboundError } from "../net/outbound.ts";
import type { JobHandlers } from "../jobs/types.ts";
import type { Logger } from "../observability/logger.ts";
import { NOTIFICATION_EVENTS, type NotificationEvent } from "../model/notification.ts";
import { hasPermission } from "../model/permissions.ts";
import { sendThroughAgent } from "./agent_kinds.ts";
import { NOTIFY_KINDS, type NotifyKinds } from "./kinds.ts";
import { buildMessage } from "./message.ts";
import { openSecrets } from "./_secrets.ts";

/** Whether user `userId` may hear of `event` (an account that is gone or disabled: no). */
export async function userMayHear(
  q: Queryable,
  userId: string,
  event: NotificationEvent,
): Promise<boolean> {
  const access = await createUserRepo(q).access(userId);
  if (!access || access.disabled) return false;
  const granted = new Set(access.permissions);
  switch (NOTIFICATION_EVENTS[event.type].audience) {
    case "self":
      return event.userId === userId;
    case "library":
      if (!event.libraryId) return hasPermission(granted, "libraries:manage");
      return hasPermission(granted, "libraries:manage") ||
        access.libraryIds.includes(event.libraryId);
    case "admin":
      return hasPermission(granted, "users:read");
  }
}

/** What the handlers need. */
export interface DeliveryDeps {
  box: SecretBox;
  logger: Logger;
  timeoutMs: number;
  maxAttempts: number;
}

/** The handlers of {@linkcode NOTIFY_KINDS}. */
export function deliveryHandlers(deps: DeliveryDeps): JobHandlers<NotifyKinds> {
  return {
    async "notify.fanout"(job) {
      const event = job.payload.event as NotificationEvent;
      const found = await createNotificationAgentRepo(job.sql).recipients(
        event.type,
        new Date(event.at),
      );
      const recipients: typeof found = [];
      for (const r of found) {
        const hearer = r.userId ?? r.ownerUserId;
        if (hearer && !await userMayHear(job.sql, hearer, event)) continue;
        recipients.push(r);
      }
      await job.complete(async (tx) => {
        const queue = createJobQueue({ sql: tx, kinds: NOTIFY_KINDS });
        for (const r of recipients) {
          await queue.enqueue("notify.deliver", {
            event: job.payload.event,
            agentId: r.agentId,
            userId: r.userId,
          }, {
            tx,
            maxAttempts: deps.maxAttempts,
            uniqueKey: `notify.deliver:${job.id}:${r.agentId}:${r.userId ?? "-"}`,
          });
        }
      });
    },

    async "notify.deliver"(job) {
      const { agentId, userId } = job.payload;
      const event = job.payload.event as NotificationEvent;
      const agent = await createNotificationAgentRepo(job.sql).byId(agentId);
      // Deleted or switched off since the event: nothing to deliver.
      if (!agent || !agent.enabled) return await job.complete();
      let to: string[] | undefined;
      if (agent.kind === "email" && userId) {
        const user = await createUserRepo(job.sql).byId(userId);
        if (!user?.email) {
          job.logger.info("notification skipped: the user has no e-mail address", { agentId });
          return await job.complete();
        }
        to = [user.email];
      }
      try {
        await sendThroughAgent({
          kind: agent.kind,
          settings: agent.settings,
          secrets: await openSecrets(deps.box, agent.id, agent),
          message: buildMessage(event, { title: agent.titleTemplate, body: agent.bodyTemplate }),
          policy: agent.ownerUserId ? "user" : "admin",
          timeoutMs: deps.timeoutMs,
          to,
        });
      } catch (e) {
        job.logger.warn("notification delivery failed", {
          agentId,
          kind: agent.kind,
          event: event.type,
          attempt: job.attempt,
          error: (e as Error).message,
        });
        // An address the policy refuses stays refused: retrying would only knock again.
        const cause = (e as Error).cause;
        if (cause instanceof OutboundError && cause.reason === "blocked") {
          throw new PermanentJobError((e as Error).message, { cause: e });
        }
        throw e;
      }
      await job.complete();
    },
  };
}
