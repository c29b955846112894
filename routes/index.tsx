/**
 * `/`: the home page. Signed in: rows of continue watching (with progress
 * bars), recently added, top rated and collections, each linking to its
 * full list, and the libraries; an empty server explains how to add a
 * folder. Signed out (or before setup): the landing card.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { Island } from "../lib/http/island.tsx";
import { hasPermission } from "../lib/model/permissions.ts";
import { type PosterFilm, posterFilm } from "../lib/ui/PosterCard.tsx";
import { PosterRow } from "../lib/ui/PosterRow.tsx";
import { useT } from "../lib/ui/i18n/use_t.ts";
import ServerStatus from "../islands/ServerStatus.tsx";
import { VERSION } from "../lib/version.ts";
import { movieItemView, viewerOf } from "./api/movies.ts";
import { page, pageContext } from "./_page.tsx";

const ROW = { limit: 20, offset: 0 };

/** Loads what the page shows. */
export async function handler(c: Context<AppEnv>) {
  const started = c.var.services.readiness.started;
  const p = c.var.principal;
  if (!p || !started || !hasPermission(p.permissions, "movies:read")) {
    const setupRequired = started ? (await c.var.services.system.info()).setupRequired : true;
    return { kind: "landing" as const, version: VERSION, setupRequired };
  }
  const movies = c.var.services.movies;
  const v = await viewerOf(c);
  const canLibraries = hasPermission(p.permissions, "libraries:read");
  const [cont, recent, top, collections, libraries] = await Promise.all([
    movies.continueWatching(v, ROW),
    movies.recentlyAdded(v, ROW),
    movies.topRated(v, ROW),
    movies.collections(v, ROW),
    canLibraries ? c.var.services.library.list(v.access) : Promise.resolve([]),
  ]);
  const posters = (items: Parameters<typeof movieItemView>[0][]): PosterFilm[] =>
    items.map((m) => posterFilm(movieItemView(m)));
  return {
    kind: "home" as const,
    admin: hasPermission(p.permissions, "libraries:manage"),
    continueWatching: posters(cont.items),
    recent: posters(recent.items),
    recentTotal: recent.total,
    topRated: posters(top.items),
    collections: collections.items.map((col) => ({
      id: col.id,
      title: col.name,
      year: null,
      posterUrl: col.posterPath ? `/api/v1/images/poster/${col.id}/w342` : null,
      posterBlurhash: null,
      href: `/collections/${col.id}`,
    })),
    collectionsTotal: collections.total,
    libraries: libraries.map((l) => ({ id: l.id, name: l.name, movieCount: l.movieCount })),
  };
}

/** Props of the page, typed from the handler. */
export type HomeProps = Awaited<ReturnType<typeof handler>>;

/** The page. */
export default function Home(props: HomeProps) {
  const t = useT();
  if (props.kind === "landing") {
    return (
      <>
        <h1>{t("home.tagline")}</h1>
        <Island
          name="ServerStatus"
          component={ServerStatus}
          props={{ version: props.version, setupRequired: props.setupRequired }}
        />
      </>
    );
  }
  const empty = props.recentTotal === 0;
  return (
    <div>
      <h1 class="visually-hidden">{t("home.title")}</h1>
      {empty && (
        <section class="card" aria-labelledby="empty-title">
          <h2 id="empty-title">{t("home.emptyTitle")}</h2>
          {props.admin
            ? (
              <>
                <p>{t("home.emptyAdmin")}</p>
                <p>
                  <a class="button primary" href="/welcome">{t("home.emptyAdminLink")}</a>
                </p>
              </>
            )
            : <p>{t("home.emptyUser")}</p>}
        </section>
      )}
      <PosterRow
        id="row-continue"
        title={t("home.continue")}
        href="/continue"
        films={props.continueWatching}
      />
      <PosterRow id="row-recent" title={t("home.recent")} href="/recent" films={props.recent} />
      <PosterRow
        id="row-top"
        title={t("home.topRated")}
        href="/top-rated"
        films={props.topRated}
      />
      {props.collections.length > 0 && (
        <section aria-labelledby="row-collections">
          <div class="row-head">
            <h2 id="row-collections">{t("home.collections")}</h2>
            <a href="/collections">
              {t("home.seeAll")}
              <span class="visually-hidden">: {t("home.collections")}</span>
            </a>
          </div>
          <ul class="row">
            {props.collections.map((col) => (
              <li key={col.id}>
                <a class="poster" href={col.href}>
                  <span class="poster-art">
                    {col.posterUrl
                      ? <img src={col.posterUrl} alt="" loading="lazy" width={342} height={513} />
                      : <span class="poster-fallback" aria-hidden="true">{col.title}</span>}
                  </span>
                  <span class="poster-title">{col.title}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {props.libraries.length > 0 && (
        <section aria-labelledby="row-libraries">
          <h2 id="row-libraries" class="row-head">{t("home.libraries")}</h2>
          <ul class="chips">
            {props.libraries.map((l) => (
              <li key={l.id}>
                <a class="button" href={`/libraries/${l.id}`}>
                  {l.name} <span class="muted">({t("list.count", { count: l.movieCount })})</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** Page routes, mounted at `/`. */
export const home = new Hono<AppEnv>().get("/", async (c) => {
  const [props, ctx] = await Promise.all([handler(c), pageContext(c)]);
  return page(c, <Home {...props} />, { title: "Revenge", ctx });
});
