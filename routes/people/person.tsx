/**
 * `/people/{id}`: a person's photo and their films in the libraries the
 * reader may see. A person with none of those is a 404, as an unknown id.
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

/** Page routes, mounted at `/people`. */
export const personPage = new Hono<AppEnv>().get("/:id", async (c) => {
  if (!hasPermission(c.var.principal!.permissions, "movies:read")) {
    throw new ForbiddenError("No access to films.");
  }
  const id = c.req.param("id");
  const n = pageNumber(c.req.query());
  const v = await viewerOf(c);
  const movies = c.var.services.movies;
  const paging = { limit: PAGE_SIZE, offset: (n - 1) * PAGE_SIZE };
  const [person, films, ctx] = await Promise.all([
    movies.person(v, id),
    movies.personMovies(v, id, paging),
    pageContext(c),
  ]);
  const body = (
    <OwnerFilms
      name={person.name}
      image={person.profilePath ? `/api/v1/images/profile/${person.id}/w185` : null}
      text={null}
      grid={{
        lang: ctx.lang,
        films: films.items.map((m) => posterFilm(movieItemView(m))),
        page: n,
        pages: Math.max(1, Math.ceil(films.total / PAGE_SIZE)),
        pageSize: PAGE_SIZE,
        api: `/api/v1/people/${person.id}/movies`,
        base: `/people/${person.id}`,
      }}
    />
  );
  return page(c, body, { title: person.name, ctx });
});
