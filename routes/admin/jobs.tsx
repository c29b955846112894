/**
 * `/admin/jobs` (`jobs:read`; retry, cancel and run-now need `jobs:manage`):
 * the job queue filtered by state and kind (a GET form: the filters are in
 * the URL), paged with real links, and the periodic schedules
 * (`islands/AdminJobs.tsx`).
 */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import { JOB_STATES, type JobState } from "../../lib/model/job.ts";
import type { MessageKey } from "../../lib/ui/i18n/translate.ts";
import { Pager } from "../../lib/ui/Pager.tsx";
import AdminJobs from "../../islands/AdminJobs.tsx";
import { toJson } from "../api/admin_jobs.ts";
import { pageNumber } from "../_owner_films.tsx";
import { adminContext, adminPage, may } from "./_admin.tsx";

const SIZE = 50;
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Page routes, mounted at `/admin/jobs`. */
export const adminJobsPage = new Hono<AppEnv>().get("/", async (c) => {
  const ctx = await adminContext(c, "jobs:read");
  const n = pageNumber(c.req.query());
  const rawState = c.req.query("state");
  const state = (JOB_STATES as readonly string[]).includes(rawState ?? "")
    ? rawState as JobState
    : undefined;
  const kind = (c.req.query("kind") ?? "").trim().slice(0, 100);
  const s = c.var.services;
  const [list, schedules] = await Promise.all([
    s.jobs.list({ state, kind: kind || undefined, limit: SIZE, offset: (n - 1) * SIZE }),
    s.jobs.schedules(),
  ]);
  const pages = Math.max(1, Math.ceil(list.total / SIZE));
  const href = (k: number) => {
    const p = new URLSearchParams();
    if (state) p.set("state", state);
    if (kind) p.set("kind", kind);
    if (k > 1) p.set("page", String(k));
    const qs = p.toString();
    return qs ? `/admin/jobs?${qs}` : "/admin/jobs";
  };
  const t = ctx.t;
  return adminPage(
    c,
    {
      current: "/admin/jobs",
      title: "admin.jobs.pageTitle",
      intro: "admin.jobs.intro",
      ctx,
    },
    (
      <>
        <form
          method="get"
          action="/admin/jobs"
          class="toolbar"
          aria-label={t("admin.jobs.filters")}
        >
          <div class="field">
            <label for="jobs-state">{t("admin.jobs.state")}</label>
            <select id="jobs-state" name="state">
              <option value="">{t("admin.jobs.anyState")}</option>
              {JOB_STATES.map((x) => (
                <option key={x} value={x} selected={x === state}>
                  {t(`admin.jobs.state.${x}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="jobs-kind">{t("admin.jobs.kind")}</label>
            <input id="jobs-kind" name="kind" type="text" value={kind} maxLength={100} />
          </div>
          <button type="submit">{t("admin.jobs.filter")}</button>
        </form>
        <p class="muted">{t("admin.jobs.total", { n: list.total })}</p>
        <Island
          name="AdminJobs"
          component={AdminJobs}
          props={{
            lang: ctx.lang,
            jobs: list.items.map(toJson).map((j) => ({
              id: j.id,
              kind: j.kind,
              queue: j.queue,
              state: j.state,
              attempt: j.attempt,
              maxAttempts: j.maxAttempts,
              lastError: j.lastError,
              createdAt: j.createdAt,
              finishedAt: j.finishedAt,
              cancelRequested: j.cancelRequested,
            })),
            schedules: schedules.map((x) => ({
              ...x,
              nextRunAt: iso(x.nextRunAt),
              lastRunAt: iso(x.lastRunAt),
            })),
            canManage: may(c, "jobs:manage"),
          }}
        />
        <Pager lang={ctx.lang} page={n} pages={pages} href={href} />
      </>
    ),
  );
});
