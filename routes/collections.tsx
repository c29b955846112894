/** `/collections`: every collection with films the reader may see, by name, paged. */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { ForbiddenError } from "../lib/model/errors.ts";
import { hasPermission } from "../lib/model/permissions.ts";
import { Pager } from "../lib/ui/Pager.tsx";
import { useT } from "../lib/ui/i18n/use_t.ts";
import { viewerOf } from "./api/movies.ts";
import { pageNumber } from "./_owner_films.tsx";
import { page, pageContext } from "./_page.tsx";

const SIZE = 60;

interface Card {
  id: string;
  name: string;
  poster: string | null;
  movieCount: number;
}

function Collections({ cards, n, pages }: { cards: Card[]; n: number; pages: number }) {
  const t = useT();
  return (
    <div>
      <h1>{t("home.collections")}</h1>
      {cards.length
        ? (
          <ul class="poster-grid">
            {cards.map((c) => (
              <li key={c.id}>
                <a class="poster" href={`/collections/${c.id}`}>
                  <span class="poster-art">
                    {c.poster
                      ? <img src={c.poster} alt="" loading="lazy" width={342} height={513} />
                      : <span class="poster-fallback" aria-hidden="true">{c.name}</span>}
                  </span>
                  <span class="poster-title">{c.name}</span>
                  <span class="poster-year" aria-hidden="true">
                    {t("list.count", { count: c.movieCount })}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )
        : <p class="card">{t("list.empty")}</p>}
      <Pager
        lang={t.lang}
        page={n}
        pages={pages}
        href={(k) => (k > 1 ? `/collections?page=${k}` : "/collections")}
      />
    </div>
  );
}

/** Page routes, mounted at `/collections`. */
export const collectionsPage = new Hono<AppEnv>().get("/", async (c) => {
  if (!hasPermission(c.var.principal!.permissions, "movies:read")) {
    throw new ForbiddenError("No access to films.");
  }
  const n = pageNumber(c.req.query());
  const [list, ctx] = await Promise.all([
    c.var.services.movies.collections(await viewerOf(c), { limit: SIZE, offset: (n - 1) * SIZE }),
    pageContext(c),
  ]);
  const cards = list.items.map((col) => ({
    id: col.id,
    name: col.name,
    poster: col.posterPath ? `/api/v1/images/poster/${col.id}/w342` : null,
    movieCount: col.movieCount,
  }));
  const pages = Math.max(1, Math.ceil(list.total / SIZE));
  return page(c, <Collections cards={cards} n={n} pages={pages} />, {
    title: ctx.t("home.collections"),
    ctx,
  });
});
