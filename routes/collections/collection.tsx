/**
 * `/collections/{id}`: a collection (a film series) and its films in the
 * libraries the reader may see, by year. None of those: a 404.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { ForbiddenError } from "../../lib/model/errors.ts";
import { hasPermission } from "../../lib/model/permissions.ts";
import { posterFilm } from "../../lib/ui/PosterCard.tsx";
import { movieItemView, viewerOf } from "../api/movies.ts";
import { PAGE_SIZE } from "../_film_query.ts";
import { OwnerFilms, pageNumber } from "../_owner_films.tsx";
import { page, pageContext } from "../_page.tsx";

/** Page routes, mounted at `/collections`. */
export const collectionPage = new Hono<AppEnv>().get("/:id", async (c) => {
  if (!hasPermission(c.var.principal!.permissions, "movies:read")) {
    throw new ForbiddenError("No access to films.");
  }
  const id = c.req.param("id");
  const n = pageNumber(c.req.query());
  const v = await viewerOf(c);
  const movies = c.var.services.movies;
  const paging = { limit: PAGE_SIZE, offset: (n - 1) * PAGE_SIZE };
  const [collection, films, ctx] = await Promise.all([
    movies.collection(v, id),
    movies.collectionMovies(v, id, paging),
    pageContext(c),
  ]);
  const body = (
    <OwnerFilms
      name={collection.name}
      image={collection.posterPath ? `/api/v1/images/poster/${collection.id}/w342` : null}
      text={collection.overview}
      grid={{
        lang: ctx.lang,
        films: films.items.map((m) => posterFilm(movieItemView(m))),
        page: n,
        pages: Math.max(1, Math.ceil(films.total / PAGE_SIZE)),
        pageSize: PAGE_SIZE,
        api: `/api/v1/collections/${collection.id}/movies`,
        base: `/collections/${collection.id}`,
      }}
    />
  );
  return page(c, body, { title: collection.name, ctx });
});
