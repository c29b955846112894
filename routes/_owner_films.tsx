/**
 * The pages of someone's or something's films (a person, a collection): a
 * heading with a picture and text, then the poster grid of their films,
 * paged and scrolling on. Private to `routes/`.
 */
import { z } from "@hono/zod-openapi";
import { Island } from "../lib/http/island.tsx";
import { ValidationError } from "../lib/model/errors.ts";
import { useT } from "../lib/ui/i18n/use_t.ts";
import FilmGrid, { type FilmGridProps } from "../islands/FilmGrid.tsx";

const PageQuery = z.object({ page: z.coerce.number().int().min(1).max(100000).optional() });

/** The `?page=` of such a page (1 when absent); a bad one is a 400 page. */
export function pageNumber(query: Record<string, string>): number {
  const q = PageQuery.safeParse(query);
  if (!q.success) throw new ValidationError("The parameter page must be a page number.");
  return q.data.page ?? 1;
}

/** Props of {@linkcode OwnerFilms}. */
export interface OwnerFilmsProps {
  name: string;
  image: string | null;
  text: string | null;
  grid: FilmGridProps;
}

/** The page body. */
export function OwnerFilms({ name, image, text, grid }: OwnerFilmsProps) {
  const t = useT();
  return (
    <div>
      <section class="hero">
        <div class="hero-body">
          {image && (
            <div class="hero-poster">
              <span class="poster-art">
                <img src={image} alt="" width={185} height={278} />
              </span>
            </div>
          )}
          <div>
            <h1>{name}</h1>
            {text && <p>{text}</p>}
          </div>
        </div>
      </section>
      <h2>{t("collection.films")}</h2>
      <Island name="FilmGrid" component={FilmGrid} props={grid} />
    </div>
  );
}
