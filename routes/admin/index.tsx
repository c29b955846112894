/**
 * `/admin`: the administration dashboard (`settings:read`): the active
 * streams with a Stop button (for those who manage playback), the running
 * scans with their progress, the job queue's counts by state and its recent
 * failures, and the server: version, uptime, database size, ffmpeg and
 * hardware acceleration, the search engine. Read through the services the
 * admin API uses.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import { JOB_STATES, type JobRecord } from "../../lib/model/job.ts";
import type { LibraryDetail } from "../../lib/model/library.ts";
import type { SearchStatus } from "../../lib/search/search_service.ts";
import type { SystemStatus } from "../../lib/system/system_service.ts";
import type { TranscodeStatus } from "../../lib/playback/hls/hls_service.ts";
import type { JobStats } from "../../lib/jobs/job_admin_service.ts";
import {
  formatBytes,
  formatDate,
  formatNumber,
  type MessageKey,
} from "../../lib/ui/i18n/translate.ts";
import { useT } from "../../lib/ui/i18n/use_t.ts";
import StreamList, { type StreamItem } from "../../islands/StreamList.tsx";
import { adminContext, adminPage, may } from "./_admin.tsx";

interface Dashboard {
  streams: StreamItem[] | null;
  scans: LibraryDetail[];
  jobs: JobStats;
  failures: JobRecord[];
  system: SystemStatus;
  transcode: TranscodeStatus;
  search: SearchStatus | null;
}

function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? `${d}d ${h}h ${m}m` : h ? `${h}h ${m}m` : `${m}m ${seconds % 60}s`;
}

function Scans({ scans }: { scans: LibraryDetail[] }) {
  const t = useT();
  if (!scans.length) return <p class="muted">{t("admin.scans.none")}</p>;
  return (
    <ul class="plain stack">
      {scans.map((l) => {
        const s = l.scan;
        const pct = s.toProbe ? Math.round((s.probed / s.toProbe) * 100) : 0;
        return (
          <li key={l.id}>
            <p>
              <a href="/admin/libraries">{l.name}</a>
              {" · "}
              {t("welcome.phase", { phase: t(`welcome.phase.${s.phase}` as MessageKey) })}
            </p>
            <progress
              max={100}
              value={pct}
              aria-label={t("admin.scans.progressOf", { name: l.name })}
            />
            <p class="muted">
              {t("welcome.seen", { seen: s.seen, probed: s.probed, toProbe: s.toProbe })}
            </p>
          </li>
        );
      })}
    </ul>
  );
}

function Jobs({ jobs, failures }: { jobs: JobStats; failures: JobRecord[] }) {
  const t = useT();
  return (
    <>
      <table>
        <caption class="visually-hidden">{t("admin.jobs.counts")}</caption>
        <thead>
          <tr>
            {JOB_STATES.map((s) => (
              <th key={s} scope="col">{t(`admin.jobs.state.${s}` as MessageKey)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {JOB_STATES.map((s) => (
              <td key={s}>
                <a href={`/admin/jobs?state=${s}`}>{formatNumber(t.lang, jobs.totals[s])}</a>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <h3>{t("admin.jobs.recentFailures")}</h3>
      {failures.length
        ? (
          <ul class="plain">
            {failures.map((j) => (
              <li key={j.id}>
                <code>{j.kind}</code> <span class="muted">{formatDate(t.lang, j.createdAt)}</span>
                {j.lastError && <p class="error-text">{j.lastError}</p>}
              </li>
            ))}
          </ul>
        )
        : <p class="muted">{t("admin.jobs.noFailures")}</p>}
    </>
  );
}

function Server({ d }: { d: Dashboard }) {
  const t = useT();
  const hw = d.transcode.hwaccel;
  return (
    <dl class="facts-list">
      <dt>{t("admin.server.version")}</dt>
      <dd>{d.system.version}</dd>
      <dt>{t("admin.server.uptime")}</dt>
      <dd>{uptime(d.system.uptimeSeconds)}</dd>
      <dt>{t("admin.server.database")}</dt>
      <dd>
        {d.system.databaseBytes === null ? "–" : formatBytes(t.lang, d.system.databaseBytes)}
        {d.system.databaseVersion && ` · PostgreSQL ${d.system.databaseVersion}`}
      </dd>
      <dt>{t("admin.server.ffmpeg")}</dt>
      <dd>{d.transcode.ffmpegVersion}</dd>
      <dt>{t("admin.server.hwaccel")}</dt>
      <dd>
        {hw.active === "none" ? t("admin.server.software") : hw.active}
        {hw.device && ` (${hw.device})`}
        {hw.fallbackReason && (
          <span class="muted">
            {" · "}
            {t("admin.server.fallback", { requested: hw.requested, reason: hw.fallbackReason })}
          </span>
        )}
      </dd>
      <dt>{t("admin.server.search")}</dt>
      <dd>
        {d.search
          ? (
            <>
              {d.search.engine}
              {d.search.documents !== null &&
                ` · ${t("admin.server.documents", { n: d.search.documents })}`}
              {!d.search.healthy && d.search.detail && (
                <span class="muted">{` · ${d.search.detail}`}</span>
              )}
            </>
          )
          : "–"}
      </dd>
    </dl>
  );
}

function DashboardPage({ d }: { d: Dashboard }) {
  const t = useT();
  return (
    <>
      {d.streams && (
        <section class="card" aria-labelledby="streams-h">
          <h2 id="streams-h">{t("admin.streams.title")}</h2>
          <Island
            name="StreamList"
            component={StreamList}
            props={{ lang: t.lang, items: d.streams }}
          />
        </section>
      )}
      <section class="card" aria-labelledby="scans-h">
        <h2 id="scans-h">{t("admin.scans.title")}</h2>
        <Scans scans={d.scans} />
      </section>
      <section class="card" aria-labelledby="jobs-h">
        <h2 id="jobs-h">{t("admin.jobs.title")}</h2>
        <Jobs jobs={d.jobs} failures={d.failures} />
      </section>
      <section class="card" aria-labelledby="server-h">
        <h2 id="server-h">{t("admin.server.title")}</h2>
        <Server d={d} />
      </section>
    </>
  );
}

/** Page routes, mounted at `/admin`. */
export const adminDashboardPage = new Hono<AppEnv>().get("/", async (c) => {
  const ctx = await adminContext(c, "settings:read");
  const s = c.var.services;
  const [streams, libraries, jobs, dead, retryable, system, search] = await Promise.all([
    may(c, "playback:manage") ? s.playback.active() : Promise.resolve(null),
    s.library.list("all"),
    s.jobs.stats(),
    s.jobs.list({ state: "dead", limit: 5, offset: 0 }),
    s.jobs.list({ state: "retryable", limit: 5, offset: 0 }),
    s.system.status(),
    s.search.status().catch(() => null),
  ]);
  const d: Dashboard = {
    streams: streams?.map((x) => ({
      id: x.id,
      username: x.username,
      movieId: x.movieId,
      movieTitle: x.movieTitle,
      method: x.method,
      reasons: x.reasons,
      client: x.client,
      state: x.state,
      positionMs: x.positionMs,
    })) ?? null,
    scans: libraries.filter((l) => l.scan.state !== "idle"),
    jobs,
    failures: [...dead.items, ...retryable.items]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, 5),
    system,
    transcode: s.hls.status(),
    search,
  };
  return adminPage(
    c,
    { current: "/admin", title: "admin.dashboard.title", ctx },
    (
      <DashboardPage d={d} />
    ),
  );
});
