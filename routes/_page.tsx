/**
 * How a page route renders: the user's language (their setting, else the
 * browser's), the theme cookie, the top bar's islands (search box, theme
 * switch) and the user menu, around the page component. Private to
 * `routes/` (one call per page route).
 */
import type { Context } from "hono";
import type { VNode } from "preact";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../lib/http/types.ts";
import { renderPage } from "../lib/http/render.tsx";
import { Island } from "../lib/http/island.tsx";
import { hasPermission } from "../lib/model/permissions.ts";
import { type Lang, pickLanguage } from "../lib/ui/i18n/translate.ts";
import { type Translator, translator } from "../lib/ui/i18n/use_t.ts";
import type { Theme } from "../lib/ui/Layout.tsx";
import { THEME_COOKIE } from "../lib/ui/theme.ts";
import SearchBox from "../islands/SearchBox.tsx";
import ThemeSwitch from "../islands/ThemeSwitch.tsx";

/** What every page knows about its reader. */
export interface PageContext {
  lang: Lang;
  t: Translator;
  theme: Theme;
  user?: {
    username: string;
    displayName: string | null;
    canReview: boolean;
    canAdmin: boolean;
  };
}

/** The reader of the page `c` answers. */
export async function pageContext(c: Context<AppEnv>): Promise<PageContext> {
  const p = c.var.principal;
  // From the access cache: a page costs no query for this once the user is known.
  const me = p && c.var.services.readiness.started
    ? await c.var.services.auth.accounts.me(p).catch(() => undefined)
    : undefined;
  const lang = pickLanguage(me?.language, c.req.header("accept-language"));
  return {
    lang,
    t: translator(lang),
    theme: getCookie(c, THEME_COOKIE) === "light" ? "light" : "dark",
    user: p && {
      username: p.username,
      displayName: me?.displayName ?? null,
      canReview: hasPermission(p.permissions, "movies:manage"),
      canAdmin: hasPermission(p.permissions, "settings:read"),
    },
  };
}

/** Options of {@linkcode page}. */
export interface PageOptions {
  title: string;
  status?: number;
  /** The query shown in the search box (the results page). */
  q?: string;
  /** The context, when the handler computed it already. */
  ctx?: PageContext;
}

/** Renders `node` as a full page for the reader of `c`. */
export async function page(c: Context<AppEnv>, node: VNode, options: PageOptions) {
  const ctx = options.ctx ?? await pageContext(c);
  const topbar = (
    <>
      {ctx.user && (
        <Island name="SearchBox" component={SearchBox} props={{ lang: ctx.lang, q: options.q }} />
      )}
      <Island
        name="ThemeSwitch"
        component={ThemeSwitch}
        props={{ lang: ctx.lang, theme: ctx.theme }}
      />
    </>
  );
  return renderPage(node, {
    title: options.title,
    status: options.status,
    lang: ctx.lang,
    theme: ctx.theme,
    user: ctx.user,
    topbar,
  });
}
