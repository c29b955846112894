/** The HTML shell every page renders into. */
import { UserMenu, type UserMenuProps } from "./UserMenu.tsx";
import { ToastRegion } from "./Toast.tsx";
import { type Lang, t } from "./i18n/translate.ts";

/** The colour theme: dark unless the user picked light (the `revenge_theme` cookie). */
export type Theme = "dark" | "light";

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  title: string;
  /** Already-rendered page HTML. */
  body: string;
  /** Already-rendered top-bar islands (search box, theme switch); absent: a plain top bar. */
  topbar?: string;
  /** Module scripts (island entries) the page needs. */
  scripts: string[];
  /** Modules those scripts import (shared chunks), fetched in parallel with them. */
  preloads?: string[];
  /** The signed-in user, for the top bar's menu; absent: a "Sign in" link. */
  user?: UserMenuProps["user"];
  lang?: Lang;
  theme?: Theme;
}

/**
 * Document layout: head, skip link, top bar, main. Island scripts go in the
 * head: module scripts are deferred (they run once the document is parsed),
 * so there they only start downloading sooner; the preloads spare the
 * browser a round trip per level of imports it would otherwise discover one
 * by one.
 */
export function Layout(
  { title, body, topbar, scripts, preloads = [], user, lang = "en", theme = "dark" }: LayoutProps,
) {
  return (
    <html lang={lang} data-theme={theme}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content={theme} />
        <title>{title === "Revenge" ? title : `${title} · Revenge`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        {preloads.map((href) => <link key={href} rel="modulepreload" href={href} />)}
        {scripts.map((src) => <script key={src} type="module" src={src} />)}
      </head>
      <body>
        <a class="skip-link" href="#main">{t(lang, "nav.skip")}</a>
        <header class="topbar">
          <a href="/" class="brand" aria-label={t(lang, "nav.home")}>Revenge</a>
          {topbar && <div class="topbar-tools" dangerouslySetInnerHTML={{ __html: topbar }} />}
          <UserMenu user={user} lang={lang} />
        </header>
        <main id="main" tabIndex={-1} dangerouslySetInnerHTML={{ __html: body }} />
        <ToastRegion />
      </body>
    </html>
  );
}
