/**
 * `/settings/playback`: the languages a film starts in and the maximum
 * streaming quality (the `PlaybackSettings` island saves them through
 * `PUT /api/v1/users/me/preferences/playback`; the playback decision
 * applies them).
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import { hasPermission } from "../../lib/model/permissions.ts";
import { NO_PREFERENCES, PREFERENCE_LANGUAGES } from "../../lib/model/playback_preferences.ts";

import { useT } from "../../lib/ui/i18n/use_t.ts";
import { SettingsNav } from "../../lib/ui/SettingsNav.tsx";
import PlaybackSettings from "../../islands/PlaybackSettings.tsx";
import { page, pageContext } from "../_page.tsx";

/** The caps offered (bits per second): about 4K, 1080p high, 1080p, 720p, 480p, mobile. */
const QUALITIES = [40_000_000, 20_000_000, 8_000_000, 4_000_000, 1_500_000, 700_000];

/** Loads what the page shows. */
export async function handler(c: Context<AppEnv>) {
  const p = c.var.principal!;
  const canRead = hasPermission(p.permissions, "self:read");
  const [preferences, ctx] = await Promise.all([
    canRead ? c.var.services.playback.preferences(p.userId) : NO_PREFERENCES,
    pageContext(c),
  ]);
  const names = new Intl.DisplayNames([ctx.lang], { type: "language" });
  const languages = PREFERENCE_LANGUAGES.map((code) => ({ code, name: names.of(code) ?? code }))
    .sort((a, b) => a.name.localeCompare(b.name, ctx.lang));
  // A cap set through the API that the list lacks is offered too, so the form shows it.
  const qualities = preferences.maxBitrate && !QUALITIES.includes(preferences.maxBitrate)
    ? [...QUALITIES, preferences.maxBitrate].sort((a, b) => b - a)
    : QUALITIES;
  return {
    ctx,
    form: {
      lang: ctx.lang,
      preferences: { ...preferences },
      languages,
      qualities,
      canEdit: canRead && hasPermission(p.permissions, "self:update"),
    },
  };
}

/** Props of the page, typed from the handler. */
export type PlaybackPrefsProps = Omit<Awaited<ReturnType<typeof handler>>, "ctx">;

/** The page. */
export default function PlaybackPrefs({ form }: PlaybackPrefsProps) {
  const t = useT();
  return (
    <div class="stack medium">
      <h1>{t("settings.title")}</h1>
      <SettingsNav lang={t.lang} current="/settings/playback" />
      <Island name="PlaybackSettings" component={PlaybackSettings} props={form} />
    </div>
  );
}

/** Page routes, mounted at `/settings/playback`. */
export const playbackSettingsPage = new Hono<AppEnv>().get("/", async (c) => {
  const { ctx, ...props } = await handler(c);
  return page(c, <PlaybackPrefs {...props} />, { title: ctx.t("settings.playback"), ctx });
});
