/** The HTML shell every page renders into. */

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  title: string;
  /** Already-rendered page HTML. */
  body: string;
  /** Module scripts (island bundles) the page needs. */
  scripts: string[];
}

/** Document layout: head, header, main, island scripts. */
export function Layout({ title, body, scripts }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title === "Revenge" ? title : `${title} · Revenge`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <header class="topbar">
          <a href="/" class="brand">Revenge</a>
        </header>
        <main dangerouslySetInnerHTML={{ __html: body }} />
        {scripts.map((src) => <script key={src} type="module" src={src} />)}
      </body>
    </html>
  );
}
