/**
 * The audit log of security events: recorded in the same transaction as the
 * change they describe (so neither exists without the other), also written
 * to the log, listed for administrators, and pruned after the retention
 * period.
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
  /** Entries older than this many days are pruned; 0 keeps them forever. */
  retentionDays: number;
  /** How often the prune runs. */
  pruneIntervalMs?: number;
}

/** The audit service. */
export interface AuditService {
  /** Records an event; pass the transaction of the change it describes. */
  record(q: Queryable, ctx: AuditContext, event: AuditEvent): Promise<void>;
  list(filter: AuditFilter, page: PageQuery): Promise<Page<AuditEntry>>;
  /** Deletes entries past the retention period; returns how many. */
  prune(): Promise<number>;
  /** Starts the periodic prune. */
  start(): void;
  stop(): void;
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
  let timer: ReturnType<typeof setInterval> | undefined;
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
    async prune() {
      if (deps.retentionDays <= 0) return 0;
      const before = new Date(clock.now().getTime() - deps.retentionDays * 86_400_000);
      const n = await createAuditRepo(sql).prune(before);
      if (n) logger.info("audit entries pruned", { count: n, before: before.toISOString() });
      return n;
    },
    start() {
      // A timer on every instance, not a periodic job: the delete is idempotent,
      // and it follows the service's injectable clock, which a job handler in a
      // worker thread does not share.
      const run = () =>
        service.prune().catch((e) => logger.warn("audit prune failed", { error: e as Error }));
      timer = setInterval(run, deps.pruneIntervalMs ?? 3_600_000);
      run();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
  return service;
}
