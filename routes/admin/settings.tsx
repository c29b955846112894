/**
 * `/admin/settings` (`settings:read`; changes need `settings:manage`): the
 * server settings, each with its effect explained next to it. Open
 * registration is changed here at run time (a `server_settings` row read
 * at each registration); the others are environment configuration read at
 * start, shown with their variable's name: public URL, TMDb (with a test),
 * transcoding limits, hardware acceleration.
 */
import { Hono } from "hono";
import type { ComponentChildren } from "preact";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import { useT } from "../../lib/ui/i18n/use_t.ts";
import type { MessageKey } from "../../lib/ui/i18n/translate.ts";
import AdminSettings from "../../islands/AdminSettings.tsx";
import TmdbTest from "../../islands/TmdbTest.tsx";
import { adminContext, adminPage, may } from "./_admin.tsx";

function Setting(
  { id, title, effect, env, children }: {
    id: string;
    title: MessageKey;
    effect: MessageKey;
    env?: string[];
    children?: ComponentChildren;
  },
) {
  const t = useT();
  return (
    <section class="card stack" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t(title)}</h2>
      <p>{t(effect)}</p>
      {children}
      {env && (
        <p class="muted">
          {t("admin.settings.envOnly")} {env.map((e, i) => (
            <span key={e}>
              {i > 0 && ", "}
              <code>{e}</code>
            </span>
          ))}
        </p>
      )}
    </section>
  );
}

/** Page routes, mounted at `/admin/settings`. */
export const adminSettingsPage = new Hono<AppEnv>().get("/", async (c) => {
  const ctx = await adminContext(c, "settings:read");
  const s = c.var.services;
  const registration = await s.auth.serverSettings.openRegistration();
  const transcode = s.hls.status();
  const t = ctx.t;
  const hw = transcode.hwaccel;
  return adminPage(
    c,
    {
      current: "/admin/settings",
      title: "admin.settings.title",
      intro: "admin.settings.intro",
      ctx,
    },
    (
      <>
        <Setting
          id="registration"
          title="admin.settings.registration"
          effect="admin.settings.registrationEffect"
        >
          <Island
            name="AdminSettings"
            component={AdminSettings}
            props={{
              lang: ctx.lang,
              value: registration.value,
              source: registration.source,
              canManage: may(c, "settings:manage"),
            }}
          />
        </Setting>
        <Setting
          id="public-url"
          title="admin.settings.publicUrl"
          effect="admin.settings.publicUrlEffect"
          env={["REVENGE_PUBLIC_URL", "REVENGE_ALLOWED_HOSTS"]}
        >
          <p>
            {t("admin.settings.origin")} <code>{c.var.origin}</code>
          </p>
        </Setting>
        <Setting
          id="tmdb"
          title="admin.settings.tmdb"
          effect="admin.settings.tmdbEffect"
          env={["REVENGE_TMDB_TOKEN", "REVENGE_TMDB_API_KEY"]}
        >
          <Island name="TmdbTest" component={TmdbTest} props={{ lang: ctx.lang }} />
        </Setting>
        <Setting
          id="transcode"
          title="admin.settings.limits"
          effect="admin.settings.limitsEffect"
          env={["REVENGE_TRANSCODE_MAX_CONCURRENT", "REVENGE_TRANSCODE_MAX_PER_USER"]}
        >
          <dl class="facts-list">
            <dt>{t("admin.settings.maxConcurrent")}</dt>
            <dd>{transcode.limits.maxConcurrent}</dd>
            <dt>{t("admin.settings.maxPerUser")}</dt>
            <dd>{transcode.limits.maxPerUser}</dd>
          </dl>
        </Setting>
        <Setting
          id="hwaccel"
          title="admin.settings.hwaccel"
          effect="admin.settings.hwaccelEffect"
          env={["REVENGE_HWACCEL", "REVENGE_HWACCEL_DEVICE"]}
        >
          <dl class="facts-list">
            <dt>{t("admin.settings.requested")}</dt>
            <dd>{hw.requested === "none" ? t("admin.server.software") : hw.requested}</dd>
            <dt>{t("admin.settings.inUse")}</dt>
            <dd>
              {hw.active === "none" ? t("admin.server.software") : hw.active}
              {hw.device && ` (${hw.device})`}
            </dd>
            {hw.fallbackReason && (
              <>
                <dt>{t("admin.settings.fallbackReason")}</dt>
                <dd>{hw.fallbackReason}</dd>
              </>
            )}
          </dl>
        </Setting>
      </>
    ),
  );
});
