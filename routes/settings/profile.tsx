/**
 * `/settings/profile`: one's display name, e-mail and UI language (the
 * `ProfileSettings` island saves them through `PATCH /api/v1/users/me`).
 * `/settings` itself leads here.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import { hasPermission } from "../../lib/model/permissions.ts";
import { isLang } from "../../lib/ui/i18n/translate.ts";
import { useT } from "../../lib/ui/i18n/use_t.ts";
import { SettingsNav } from "../../lib/ui/SettingsNav.tsx";
import ProfileSettings from "../../islands/ProfileSettings.tsx";
import { page, pageContext } from "../_page.tsx";

/** Loads what the page shows. */
export async function handler(c: Context<AppEnv>) {
  const p = c.var.principal!;
  const [me, ctx] = await Promise.all([c.var.services.auth.accounts.me(p), pageContext(c)]);
  return {
    ctx,
    form: {
      lang: ctx.lang,
      username: me.username,
      displayName: me.displayName,
      email: me.email,
      language: isLang(me.language) ? me.language : null,
      canEdit: hasPermission(p.permissions, "self:update"),
    },
  };
}

/** Props of the page, typed from the handler. */
export type ProfileProps = Omit<Awaited<ReturnType<typeof handler>>, "ctx">;

/** The page. */
export default function Profile({ form }: ProfileProps) {
  const t = useT();
  return (
    <div class="stack medium">
      <h1>{t("settings.title")}</h1>
      <SettingsNav lang={t.lang} current="/settings/profile" />
      <Island name="ProfileSettings" component={ProfileSettings} props={form} />
    </div>
  );
}

/** Page routes, mounted at `/settings/profile`. */
export const profilePage = new Hono<AppEnv>().get("/", async (c) => {
  const { ctx, ...props } = await handler(c);
  return page(c, <Profile {...props} />, { title: ctx.t("settings.profile"), ctx });
});

/** `/settings`: the first settings page. */
export const settingsIndex = new Hono<AppEnv>().get("/", (c) => c.redirect("/settings/profile"));
