/** The who/where of an audit entry, from the request: never from its body. */
import type { Context } from "hono";
import type { AuditContext } from "../model/account.ts";
import type { AppEnv } from "./types.ts";

/** Builds the audit context of a request. */
export function auditContext(c: Context<AppEnv>): AuditContext {
  const p = c.get("principal");
  return {
    actorId: p?.userId ?? null,
    actorName: p?.username ?? null,
    clientIp: c.get("clientIp") ?? null,
    userAgent: c.req.header("user-agent")?.slice(0, 512) ?? null,
  };
}
