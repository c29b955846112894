/**
 * The audit log of security events: recorded in the same transaction as the
 * change they describe (so neither exists without the other), also written
 * to the log, and listed for administrators. Entries past the retention
 * period are pruned by the periodic job `auth.audit.prune` (`auth_jobs.ts`).
 */
import type { Queryable, Sql } from "../db/client.ts";
import { type AuditFilter, createAuditRepo } from "../db/audit_repo.ts";
import type { AuditContext, AuditEntry, AuditEvent, Page, PageQuery } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import type { Logger } from "../observability/logger.ts";
import { safeText } from "../model/unsafe_text.ts";

/** Dependencies of {@linkcode createAuditService}. */
export interface AuditServiceDeps {
  sql: Sql;
  clock: Clock;
  logger: Logger;
}

/** The audit service. */
export interface AuditService {
  /** Records an event; pass the transaction of the change it describes. */
  record(q: Queryable, ctx: AuditContext, event: AuditEvent): Promise<void>;
  list(filter: AuditFilter, page: PageQuery): Promise<Page<AuditEntry>>;
}

function storable(details: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(details),
    (_k, v) => typeof v === "string" ? safeText(v) : v,
  );
}

/** Creates the audit service. */
export function createAuditService(deps: AuditServiceDeps): AuditService {
  const { sql, clock, logger } = deps;
  const service: AuditService = {
    async record(q, ctx, event) {
      // Details often quote what a client sent; jsonb cannot hold NUL or lone surrogates.
      const details = event.details && storable(event.details);
      await createAuditRepo(q).insert(ctx, { ...event, details }, clock.now());
      logger.info("audit", {
        action: event.action,
        actorId: ctx.actorId,
        targetType: event.targetType,
        targetId: event.targetId,
        client: ctx.clientIp,
      });
    },
    async list(filter, page) {
      const [items, total] = await createAuditRepo(sql).list(filter, page.limit, page.offset);
      return { items, total, ...page };
    },
  };
  return service;
}
