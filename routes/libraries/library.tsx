/**
 * `/libraries/{id}`: a library's poster grid. Sort and filters are a plain
 * GET form, so they live in the URL; the grid pages with real `?page=`
 * links and scrolls on by itself once hydrated (`islands/FilmGrid.tsx`).
 * A library the reader may not see is the same 404 as an unknown one.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import { ForbiddenError, NotFoundError } from "../../lib/model/errors.ts";
import { hasPermission } from "../../lib/model/permissions.ts";
import { posterFilm } from "../../lib/ui/PosterCard.tsx";
import { useT } from "../../lib/ui/i18n/use_t.ts";
import type { MessageKey } from "../../lib/ui/i18n/translate.ts";
import FilmGrid from "../../islands/FilmGrid.tsx";
import { movieItemView, viewerOf } from "../api/movies.ts";
import {
  apiSearch,
  type GridParams,
  gridParams,
  gridSearch,
  movieQuery,
  PAGE_SIZE,
  RESOLUTIONS,
  SORTS,
} from "../_film_query.ts";
import { page, pageContext } from "../_page.tsx";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECADES = Array.from({ length: 13 }, (_, i) => 2020 - i * 10);

/** Loads what the page shows. */
export async function handler(c: Context<AppEnv>) {
  const p = c.var.principal!;
  if (!hasPermission(p.permissions, "movies:read")) throw new ForbiddenError("No access to films.");
  const id = c.req.param("id") ?? "";
  if (!UUID.test(id)) throw new NotFoundError("No such library.");
  const params = gridParams(c.req.query());
  const v = await viewerOf(c);
  const [library, films, genres, ctx] = await Promise.all([
    c.var.services.library.get(v.access, id),
    c.var.services.movies.list(v, movieQuery(params, id)),
    c.var.services.movies.genreNames(v, id),
    pageContext(c),
  ]);
  const pages = Math.max(1, Math.ceil(films.total / PAGE_SIZE));
  return {
    ctx,
    library: { id: library.id, name: library.name, movieCount: library.movieCount },
    params,
    genres,
    total: films.total,
    grid: {
      lang: ctx.lang,
      films: films.items.map((m) => posterFilm(movieItemView(m))),
      page: params.page ?? 1,
      pages,
      pageSize: PAGE_SIZE,
      api: apiSearch(params, id),
      base: `/libraries/${id}${gridSearch(params)}`,
    },
  };
}

/** Props of the page, typed from the handler. */
export type LibraryProps = Omit<Awaited<ReturnType<typeof handler>>, "ctx">;

function Select(
  { name, label, value, options }: {
    name: keyof GridParams;
    label: string;
    value: string | undefined;
    options: [string, string][];
  },
) {
  return (
    <div>
      <label for={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name}>
        {options.map(([v, text]) => (
          <option key={v} value={v} selected={v === (value ?? "")}>{text}</option>
        ))}
      </select>
    </div>
  );
}

/** The page. */
export default function Library({ library, params, genres, total, grid }: LibraryProps) {
  const t = useT();
  const any: [string, string] = ["", t("library.any")];
  const filtered = params.genre || params.decade || params.resolution || params.hdr ||
    params.watched;
  return (
    <div>
      <h1>{library.name}</h1>
      <p class="muted">{t("list.count", { count: total })}</p>
      <form method="get" class="toolbar" aria-label={t("library.filters")}>
        <Select
          name="sort"
          label={t("library.sort")}
          value={params.sort ?? "title"}
          options={SORTS.map((s) => [s, t(`library.sort.${s}` as MessageKey)])}
        />
        <Select
          name="genre"
          label={t("library.genre")}
          value={params.genre}
          options={[any, ...genres.map((g): [string, string] => [g, g])]}
        />
        <Select
          name="decade"
          label={t("library.decade")}
          value={params.decade?.toString()}
          options={[any, ...DECADES.map((d): [string, string] => [String(d), `${d}s`])]}
        />
        <Select
          name="resolution"
          label={t("library.resolution")}
          value={params.resolution}
          options={[any, ...RESOLUTIONS.map((r): [string, string] => [r, r])]}
        />
        <Select
          name="hdr"
          label={t("library.hdr")}
          value={params.hdr}
          options={[any, ["true", t("library.yes")], ["false", t("library.no")]]}
        />
        <Select
          name="watched"
          label={t("library.watched")}
          value={params.watched}
          options={[any, ["true", t("library.onlyWatched")], ["false", t("library.onlyUnwatched")]]}
        />
        {params.seed && <input type="hidden" name="seed" value={params.seed} />}
        <button type="submit">{t("library.apply")}</button>
      </form>
      {total === 0
        ? <p class="card">{filtered ? t("library.empty") : t("library.emptyLibrary")}</p>
        : <Island name="FilmGrid" component={FilmGrid} props={grid} />}
    </div>
  );
}

/** Page routes, mounted at `/libraries`. */
export const libraryPage = new Hono<AppEnv>().get("/:id", async (c) => {
  const { ctx, ...props } = await handler(c);
  return page(c, <Library {...props} />, { title: props.library.name, ctx });
});
