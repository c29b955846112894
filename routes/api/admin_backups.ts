/**
 * `/api/v1/admin/backups`: the backups folder's archives (scheduled and
 * requested), and a backup now, run as a job (202 with the job's id; follow
 * it under `/api/v1/admin/jobs/{id}`). Archives are not downloaded through
 * the API: they hold the secret key and every user's data, and are copied
 * off the machine by the administrator (docs/operations.md).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditContext } from "../../lib/http/audit_context.ts";
import { createRouter } from "../../lib/http/router.ts";
import { errors, json, needs } from "./_schemas.ts";

const BackupList = z.object({
  dir: z.string().describe("The backups folder on the server"),
  schedule: z.string().describe("Cron expression of the scheduled backup, or off"),
  keep: z.number().int().describe("How many scheduled backups are kept"),
  items: z.array(z.object({
    name: z.string().describe("revenge-YYYYMMDD-HHMMSSZ.tar"),
    bytes: z.number().int(),
    modifiedAt: z.string().describe("ISO 8601 date-time"),
  })),
}).openapi("BackupList");
const BackupAccepted = z.object({
  jobId: z.string(),
  queued: z.boolean().describe("False: a backup was waiting or running already; that job is it"),
}).openapi("BackupAccepted");

/** Backup admin routes, mounted at `/api/v1/admin/backups`. */
export const adminBackups = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["admin: backups"],
      summary: "List the backups in the backups folder, newest first",
      ...needs("backups:read"),
      responses: { 200: json("the backups", BackupList), ...errors(401, 403) },
    }),
    async (c) => {
      const r = await c.var.services.backup.list();
      return c.json({
        ...r,
        items: r.items.map((b) => ({ ...b, modifiedAt: b.modifiedAt.toISOString() })),
      }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["admin: backups"],
      summary: "Make a backup now (as a job)",
      ...needs("backups:manage"),
      responses: { 202: json("the job", BackupAccepted), ...errors(401, 403) },
    }),
    async (c) => c.json(await c.var.services.backup.request(auditContext(c)), 202),
  );
