/**
 * `/admin/audit` (`audit:read`): the audit log, newest first, filtered by
 * action (exact, or a prefix ending in "."), actor, target, address and a
 * date range, paged with real links. Server-rendered only: it has no
 * actions, so no island. Every field is text (entries carry what users
 * typed, e.g. a username on a failed login).
 */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import type { AuditEntry } from "../../lib/model/account.ts";
import { formatNumber } from "../../lib/ui/i18n/translate.ts";
import { useT } from "../../lib/ui/i18n/use_t.ts";
import { Pager } from "../../lib/ui/Pager.tsx";
import { pageNumber } from "../_owner_films.tsx";
import { adminContext, adminPage } from "./_admin.tsx";

const SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

interface Filters {
  action: string;
  actorId: string;
  targetId: string;
  clientIp: string;
  since: string;
  until: string;
}

function readFilters(q: Record<string, string>): Filters {
  const text = (k: string, max: number) => (q[k] ?? "").trim().slice(0, max);
  return {
    action: text("action", 64),
    actorId: UUID.test(text("actorId", 36)) ? text("actorId", 36) : "",
    targetId: text("targetId", 64),
    clientIp: text("clientIp", 64),
    since: DAY.test(text("since", 10)) ? text("since", 10) : "",
    until: DAY.test(text("until", 10)) ? text("until", 10) : "",
  };
}

function FilterForm({ f }: { f: Filters }) {
  const t = useT();
  const field = (name: keyof Filters, label: string, type = "text") => (
    <div class="field">
      <label for={`audit-${name}`}>{label}</label>
      <input
        id={`audit-${name}`}
        name={name}
        type={type as "text"}
        value={f[name]}
        maxLength={64}
      />
    </div>
  );
  return (
    <form method="get" action="/admin/audit" class="toolbar" aria-label={t("admin.audit.filters")}>
      {field("action", t("admin.audit.action"))}
      {field("actorId", t("admin.audit.actorId"))}
      {field("targetId", t("admin.audit.targetId"))}
      {field("clientIp", t("admin.audit.clientIp"))}
      {field("since", t("admin.audit.since"), "date")}
      {field("until", t("admin.audit.until"), "date")}
      <button type="submit">{t("admin.audit.filter")}</button>
    </form>
  );
}

function Entries({ items }: { items: AuditEntry[] }) {
  const t = useT();
  if (!items.length) return <p class="card">{t("admin.audit.none")}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t("admin.audit.when")}</th>
          <th scope="col">{t("admin.audit.action")}</th>
          <th scope="col">{t("admin.audit.actor")}</th>
          <th scope="col">{t("admin.audit.target")}</th>
          <th scope="col">{t("admin.audit.clientIp")}</th>
          <th scope="col">{t("admin.audit.details")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id}>
            <td>{e.at.toISOString().slice(0, 19).replace("T", " ")}</td>
            <td>
              <a href={`/admin/audit?action=${encodeURIComponent(e.action)}`}>
                <code>{e.action}</code>
              </a>
            </td>
            <td>
              {e.actorId
                ? <a href={`/admin/audit?actorId=${e.actorId}`}>{e.actorName ?? e.actorId}</a>
                : "–"}
            </td>
            <td>{e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : "–"}</td>
            <td>{e.clientIp ?? "–"}</td>
            <td>
              <code class="details">{JSON.stringify(e.details)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Page routes, mounted at `/admin/audit`. */
export const adminAuditPage = new Hono<AppEnv>().get("/", async (c) => {
  const ctx = await adminContext(c, "audit:read");
  const n = pageNumber(c.req.query());
  const f = readFilters(c.req.query());
  const page = await c.var.services.auth.audit.list({
    action: f.action || undefined,
    actorId: f.actorId || undefined,
    targetId: f.targetId || undefined,
    clientIp: f.clientIp || undefined,
    since: f.since ? new Date(`${f.since}T00:00:00Z`) : undefined,
    until: f.until ? new Date(`${f.until}T23:59:59.999Z`) : undefined,
  }, { limit: SIZE, offset: (n - 1) * SIZE });
  const pages = Math.max(1, Math.ceil(page.total / SIZE));
  const href = (k: number) => {
    const p = new URLSearchParams(Object.entries(f).filter(([, v]) => v));
    if (k > 1) p.set("page", String(k));
    const qs = p.toString();
    return qs ? `/admin/audit?${qs}` : "/admin/audit";
  };
  return adminPage(
    c,
    {
      current: "/admin/audit",
      title: "admin.audit.title",
      intro: "admin.audit.intro",
      ctx,
    },
    (
      <>
        <FilterForm f={f} />
        <p class="muted">
          {ctx.t("admin.audit.total", { n: formatNumber(ctx.lang, page.total) })}
        </p>
        <Entries items={page.items} />
        <Pager lang={ctx.lang} page={n} pages={pages} href={href} />
      </>
    ),
  );
});
