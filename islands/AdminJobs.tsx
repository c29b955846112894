/**
 * `/admin/jobs`: one page of the job queue (the filters are the page's
 * form), each job with its state, attempts and last error, and "Retry"
 * (failed or cancelled jobs) or "Cancel" (waiting or running ones); then
 * the periodic schedules, each with "Run now". Through `/api/v1/admin/jobs`.
 */
import { useState } from "preact/hooks";
import { type Lang, type MessageKey, t } from "../lib/ui/i18n/translate.ts";
import { api } from "./_api.ts";

/** A job as the admin API answers it (the fields shown). */
export interface AdminJob {
  id: string;
  kind: string;
  queue: string;
  state: "available" | "running" | "succeeded" | "retryable" | "dead" | "cancelled";
  attempt: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
  cancelRequested: boolean;
}

/** A periodic schedule. */
export interface AdminSchedule {
  name: string;
  cron: string;
  kind: string;
  nextRunAt: string | null;
  lastRunAt: string | null;
}

/** Props of {@linkcode AdminJobs}. */
export interface AdminJobsProps {
  lang: Lang;
  jobs: AdminJob[];
  schedules: AdminSchedule[];
  canManage: boolean;
}

const when = (iso: string | null) => (iso ? iso.slice(0, 19).replace("T", " ") : "–");

/** The jobs administration. */
export default function AdminJobs({ lang, jobs: initial, schedules, canManage }: AdminJobsProps) {
  const [jobs, setJobs] = useState(initial);
  const [message, setMessage] = useState<string>();
  async function act(j: AdminJob, action: "retry" | "cancel") {
    const r = await api<AdminJob>("POST", `/api/v1/admin/jobs/${j.id}/${action}`);
    if (!r.ok) {
      return setMessage(t(lang, "admin.failed", { reason: r.body.detail ?? String(r.status) }));
    }
    setJobs((all) => all.map((x) => (x.id === j.id ? { ...x, ...r.body } : x)));
    setMessage(
      t(lang, action === "retry" ? "admin.jobs.retried" : "admin.jobs.cancelled", {
        kind: j.kind,
      }),
    );
  }
  async function run(s: AdminSchedule) {
    const r = await api<AdminJob>("POST", `/api/v1/admin/jobs/schedules/${s.name}/run`);
    if (!r.ok) {
      return setMessage(t(lang, "admin.failed", { reason: r.body.detail ?? String(r.status) }));
    }
    setJobs((all) => [r.body, ...all.filter((x) => x.id !== r.body.id)]);
    setMessage(t(lang, "admin.jobs.started", { name: s.name }));
  }
  return (
    <div class="stack">
      <p role="status" class="muted">{message}</p>
      {jobs.length === 0 ? <p class="card">{t(lang, "admin.jobs.none")}</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t(lang, "admin.jobs.id")}</th>
              <th scope="col">{t(lang, "admin.jobs.kind")}</th>
              <th scope="col">{t(lang, "admin.jobs.state")}</th>
              <th scope="col">{t(lang, "admin.jobs.attempts")}</th>
              <th scope="col">{t(lang, "admin.jobs.created")}</th>
              <th scope="col">{t(lang, "admin.jobs.error")}</th>
              <th scope="col">
                <span class="visually-hidden">{t(lang, "admin.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id}>
                <td>{j.id}</td>
                <td>
                  <code>{j.kind}</code> <span class="muted">{j.queue}</span>
                </td>
                <td>{t(lang, `admin.jobs.state.${j.state}` as MessageKey)}</td>
                <td>{j.attempt}/{j.maxAttempts}</td>
                <td>{when(j.createdAt)}</td>
                <td class="error-text">{j.lastError}</td>
                <td>
                  {canManage && ["dead", "cancelled", "retryable"].includes(j.state) && (
                    <button
                      type="button"
                      aria-label={t(lang, "admin.jobs.retryOf", { kind: j.kind })}
                      onClick={() => act(j, "retry")}
                    >
                      {t(lang, "admin.jobs.retry")}
                    </button>
                  )}
                  {canManage && ["available", "running", "retryable"].includes(j.state) &&
                    !j.cancelRequested && (
                    <button
                      type="button"
                      aria-label={t(lang, "admin.jobs.cancelOf", { kind: j.kind })}
                      onClick={() => act(j, "cancel")}
                    >
                      {t(lang, "admin.jobs.cancel")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section class="card" aria-labelledby="schedules-h">
        <h2 id="schedules-h">{t(lang, "admin.jobs.schedules")}</h2>
        <p class="muted">{t(lang, "admin.jobs.schedulesIntro")}</p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t(lang, "admin.jobs.schedule")}</th>
              <th scope="col">{t(lang, "admin.jobs.cron")}</th>
              <th scope="col">{t(lang, "admin.jobs.lastRun")}</th>
              <th scope="col">{t(lang, "admin.jobs.nextRun")}</th>
              <th scope="col">
                <span class="visually-hidden">{t(lang, "admin.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.name}>
                <td>
                  {s.name} <code class="muted">{s.kind}</code>
                </td>
                <td>
                  <code>{s.cron}</code>
                </td>
                <td>{when(s.lastRunAt)}</td>
                <td>{when(s.nextRunAt)}</td>
                <td>
                  {canManage && (
                    <button
                      type="button"
                      aria-label={t(lang, "admin.jobs.runOf", { name: s.name })}
                      onClick={() => run(s)}
                    >
                      {t(lang, "admin.jobs.run")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
