/**
 * `/review`: "Needs review", for those who manage films (`movies:manage`;
 * anyone else gets the 403 page): the films the matcher was unsure of, each
 * with its candidates, fixed in one click each (`islands/ReviewList.tsx`).
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { Island } from "../lib/http/island.tsx";
import { ForbiddenError } from "../lib/model/errors.ts";
import { hasPermission } from "../lib/model/permissions.ts";
import { Pager } from "../lib/ui/Pager.tsx";
import { useT } from "../lib/ui/i18n/use_t.ts";
import ReviewList, { type ReviewItem } from "../islands/ReviewList.tsx";
import { viewerOf } from "./api/movies.ts";
import { pageNumber } from "./_owner_films.tsx";
import { page, pageContext } from "./_page.tsx";

const SIZE = 25;

function Review({ items, n, pages }: { items: ReviewItem[]; n: number; pages: number }) {
  const t = useT();
  return (
    <div class="medium">
      <h1>{t("review.title")}</h1>
      <p>{t("review.intro")}</p>
      <Island name="ReviewList" component={ReviewList} props={{ lang: t.lang, items }} />
      <Pager
        lang={t.lang}
        page={n}
        pages={pages}
        href={(k) => (k > 1 ? `/review?page=${k}` : "/review")}
      />
    </div>
  );
}

/** Page routes, mounted at `/review`. */
export const reviewPage = new Hono<AppEnv>().get("/", async (c) => {
  if (!hasPermission(c.var.principal!.permissions, "movies:manage")) {
    throw new ForbiddenError("Only those who manage films review matches.");
  }
  const n = pageNumber(c.req.query());
  const v = await viewerOf(c);
  const movies = c.var.services.movies;
  const [list, ctx] = await Promise.all([
    movies.list(v, {
      matchState: "needs_review",
      sort: "added",
      limit: SIZE,
      offset: (n - 1) * SIZE,
    }),
    pageContext(c),
  ]);
  // The candidates are on each film's detail: one page is at most SIZE of them, read at once.
  const details = await Promise.all(list.items.map((m) => movies.get(v, m.id)));
  const items: ReviewItem[] = details.map((d) => ({
    id: d.id,
    title: d.title,
    year: d.year,
    candidates: (d.matchCandidates ?? []).map((c) => ({
      tmdbId: c.tmdbId,
      title: c.title,
      year: c.year,
      score: c.score,
    })),
  }));
  const pages = Math.max(1, Math.ceil(list.total / SIZE));
  return page(c, <Review items={items} n={n} pages={pages} />, {
    title: ctx.t("review.title"),
    ctx,
  });
});
