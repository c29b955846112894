/** The HTML shell every page renders into. */
import { UserMenu } from "./UserMenu.tsx";

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  title: string;
  /** Already-rendered page HTML. */
  body: string;
  /** Module scripts (island entries) the page needs. */
  scripts: string[];
  /** Modules those scripts import (shared chunks), fetched in parallel with them. */
  preloads?: string[];
  /** The signed-in user, for the top bar's menu; absent: a "Sign in" link. */
  user?: { username: string };
}

/**
 * Document layout: head, header, main. Island scripts go in the head:
 * module scripts are deferred (they run once the document is parsed), so
 * there they only start downloading sooner; the preloads spare the browser
 * a round trip per level of imports it would otherwise discover one by one.
 */
export function Layout({ title, body, scripts, preloads = [], user }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title === "Revenge" ? title : `${title} · Revenge`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        {preloads.map((href) => <link key={href} rel="modulepreload" href={href} />)}
        {scripts.map((src) => <script key={src} type="module" src={src} />)}
      </head>
      <body>
        <header class="topbar">
          <a href="/" class="brand">Revenge</a>
          <UserMenu user={user} />
        </header>
        <main dangerouslySetInnerHTML={{ __html: body }} />
      </body>
    </html>
  );
}
