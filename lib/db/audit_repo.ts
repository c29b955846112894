/** SQL of the `audit_log` table. */
import type { Queryable } from "./client.ts";
import type { AuditContext, AuditEntry, AuditEvent } from "../model/account.ts";

/** Filters of an audit query; all optional, combined with AND. */
export interface AuditFilter {
  /** Exact action, or a prefix ending in "." (`auth.` matches every auth event). */
  action?: string;
  actorId?: string;
  targetId?: string;
  clientIp?: string;
  since?: Date;
  until?: Date;
}

/** The audit repository. */
export interface AuditRepo {
  insert(ctx: AuditContext, e: AuditEvent, at: Date): Promise<void>;
  list(f: AuditFilter, limit: number, offset: number): Promise<[AuditEntry[], number]>;
  /** Deletes entries older than `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** Creates the audit repository on a pool or transaction. */
export function createAuditRepo(q: Queryable): AuditRepo {
  return {
    async insert(ctx, e, at) {
      await q`
        insert into audit_log (at, action, actor_id, actor_name, target_type, target_id,
                               client_ip, user_agent, details)
        values (${at}, ${e.action}, ${ctx.actorId}, ${ctx.actorName}, ${e.targetType ?? null},
                ${e.targetId ?? null}, ${ctx.clientIp}, ${ctx.userAgent},
                ${q.json((e.details ?? {}) as never)})`;
    },
    async list(f, limit, offset) {
      const conds = [q`true`];
      if (f.action?.endsWith(".")) {
        conds.push(q`action like ${f.action.replace(/[\\%_]/g, "\\$&") + "%"}`);
      } else if (f.action) conds.push(q`action = ${f.action}`);
      if (f.actorId) conds.push(q`actor_id = ${f.actorId}`);
      if (f.targetId) conds.push(q`target_id = ${f.targetId}`);
      if (f.clientIp) conds.push(q`client_ip = ${f.clientIp}`);
      if (f.since) conds.push(q`at >= ${f.since}`);
      if (f.until) conds.push(q`at < ${f.until}`);
      const where = conds.reduce((a, b) => q`${a} and ${b}`);
      const [{ n }] = await q<
        { n: number }[]
      >`select count(*)::int as n from audit_log where ${where}`;
      // (at desc, id desc): served by audit_log_at; id breaks ties within one instant.
      const rows = await q<AuditEntry[]>`
        select id::text, at, action, actor_id as "actorId", actor_name as "actorName",
          target_type as "targetType", target_id as "targetId", client_ip as "clientIp",
          user_agent as "userAgent", details
        from audit_log where ${where} order by at desc, id desc limit ${limit} offset ${offset}`;
      return [rows, n];
    },
    async prune(before) {
      const r = await q`delete from audit_log where at < ${before}`;
      return r.count;
    },
  };
}
