/**
 * The full lists behind the home page's rows (recently added, top rated,
 * continue watching): a poster grid over one of the movies service's fixed
 * lists, paged with `?page=` and scrolling on (`islands/FilmGrid.tsx`).
 * Private to `routes/`; each URL's file makes its page with this.
 */
import { Hono } from "hono";
import { z } from "@hono/zod-openapi";
import type { AppEnv } from "../lib/http/types.ts";
import { Island } from "../lib/http/island.tsx";
import { ForbiddenError, ValidationError } from "../lib/model/errors.ts";
import { hasPermission } from "../lib/model/permissions.ts";
import type { MoviesService, Paging, Viewer } from "../lib/movies/movies_service.ts";
import type { MessageKey } from "../lib/ui/i18n/translate.ts";
import { posterFilm } from "../lib/ui/PosterCard.tsx";
import { useT } from "../lib/ui/i18n/use_t.ts";
import FilmGrid, { type FilmGridProps } from "../islands/FilmGrid.tsx";
import { movieItemView, viewerOf } from "./api/movies.ts";
import { PAGE_SIZE } from "./_film_query.ts";
import { page, pageContext } from "./_page.tsx";

/** Which list, where, and its JSON twin. */
export interface FixedList {
  path: string;
  title: MessageKey;
  api: string;
  load: (movies: MoviesService, v: Viewer, p: Paging) => ReturnType<MoviesService["recentlyAdded"]>;
}

const PageQuery = z.object({ page: z.coerce.number().int().min(1).max(100000).optional() });

function FixedListPage({ title, grid }: { title: MessageKey; grid: FilmGridProps }) {
  const t = useT();
  return (
    <div>
      <h1>{t(title)}</h1>
      {grid.films.length
        ? <Island name="FilmGrid" component={FilmGrid} props={grid} />
        : <p class="card">{t("list.empty")}</p>}
    </div>
  );
}

/** The page routes of `list`, mounted at `list.path`. */
export function fixedListPage(list: FixedList) {
  return new Hono<AppEnv>().get("/", async (c) => {
    if (!hasPermission(c.var.principal!.permissions, "movies:read")) {
      throw new ForbiddenError("No access to films.");
    }
    const q = PageQuery.safeParse(c.req.query());
    if (!q.success) throw new ValidationError("The parameter page must be a page number.");
    const n = q.data.page ?? 1;
    const [films, ctx] = await Promise.all([
      list.load(c.var.services.movies, await viewerOf(c), {
        limit: PAGE_SIZE,
        offset: (n - 1) * PAGE_SIZE,
      }),
      pageContext(c),
    ]);
    const grid: FilmGridProps = {
      lang: ctx.lang,
      films: films.items.map((m) => posterFilm(movieItemView(m))),
      page: n,
      pages: Math.max(1, Math.ceil(films.total / PAGE_SIZE)),
      pageSize: PAGE_SIZE,
      api: list.api,
      base: list.path,
    };
    return page(c, <FixedListPage title={list.title} grid={grid} />, {
      title: ctx.t(list.title),
      ctx,
    });
  });
}
