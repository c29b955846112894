/**
 * `/search?q=&genre=&year=&decade=&resolution=&hdr=&watched=&sort=&page=`:
 * the results page, through the same search service as
 * `GET /api/v1/search/movies` (typos forgiven, only the reader's
 * libraries). Facets are links with their counts; the chosen filters stay
 * in the URL and each can be removed; sorts and pages are real links.
 * Highlights are rendered as text with `<mark>` elements, never as HTML.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { AppEnv } from "../lib/http/types.ts";
import { ForbiddenError, ValidationError } from "../lib/model/errors.ts";
import { hasPermission } from "../lib/model/permissions.ts";
import { SEARCH_SORTS } from "../lib/model/search.ts";
import { PosterCard, posterFilm } from "../lib/ui/PosterCard.tsx";
import { Pager } from "../lib/ui/Pager.tsx";
import { Highlighted } from "../lib/ui/Highlighted.tsx";
import { formatNumber, formatRuntime, type MessageKey } from "../lib/ui/i18n/translate.ts";
import { type Translator, useT } from "../lib/ui/i18n/use_t.ts";
import { movieItemView, viewerOf } from "./api/movies.ts";
import { RESOLUTIONS } from "./_film_query.ts";
import { page, pageContext } from "./_page.tsx";

/** Results per page. */
export const SEARCH_PAGE_SIZE = 24;
/** Values shown per facet (the most frequent). */
const FACET_VALUES = 12;
const HDR = ["true", "false", "hdr10", "hdr10plus", "hlg", "dolby_vision"] as const;

const SearchPageQuery = z.object({
  q: z.string().trim().max(500).optional(),
  genre: z.string().trim().min(1).max(100).optional(),
  year: z.coerce.number().int().min(1800).max(2200).optional(),
  decade: z.coerce.number().int().min(1800).max(2200).multipleOf(10).optional(),
  resolution: z.enum(RESOLUTIONS).optional(),
  hdr: z.enum(HDR).optional(),
  watched: z.enum(["true", "false"]).optional(),
  sort: z.enum(SEARCH_SORTS).optional(),
  page: z.coerce.number().int().min(1).max(Math.floor(10_000 / SEARCH_PAGE_SIZE)).optional(),
});

/** The page's parameters. */
export type SearchParams = z.infer<typeof SearchPageQuery>;
type FilterName = "genre" | "year" | "decade" | "resolution" | "hdr" | "watched";
const FILTERS: FilterName[] = ["genre", "year", "decade", "resolution", "hdr", "watched"];

function parse(query: Record<string, string>): SearchParams {
  const r = SearchPageQuery.safeParse(query);
  if (r.success) return { ...r.data, q: r.data.q || undefined };
  const issue = r.error.issues[0];
  throw new ValidationError(
    `The parameter ${issue.path.join(".")} is not valid: ${issue.message}.`,
    {
      issues: r.error.issues.map((i) => ({
        path: `query.${i.path.join(".")}`,
        message: i.message,
      })),
    },
  );
}

/** `/search` with `p` changed by `change` (undefined removes a parameter); page 1 has none. */
export function searchHref(p: SearchParams, change: Partial<SearchParams> = {}): string {
  const next = { ...p, page: undefined, ...change };
  const s = new URLSearchParams();
  for (const k of ["q", ...FILTERS, "sort", "page"] as const) {
    const v = next[k];
    if (v !== undefined && v !== "" && !(k === "page" && v === 1)) s.set(k, String(v));
  }
  const text = s.toString();
  return text ? `/search?${text}` : "/search";
}

/** Loads what the page shows. */
export async function handler(c: Context<AppEnv>) {
  const p = c.var.principal!;
  if (!hasPermission(p.permissions, "movies:read")) throw new ForbiddenError("No access to films.");
  const params = parse(c.req.query());
  const n = params.page ?? 1;
  const [result, ctx] = await Promise.all([
    viewerOf(c).then((v) =>
      c.var.services.search.search(v, {
        q: params.q,
        filters: {
          genres: params.genre ? [params.genre] : undefined,
          year: params.year,
          decade: params.decade,
          resolution: params.resolution,
          hdr: params.hdr === "true" ? true : params.hdr === "false" ? false : params.hdr,
          watched: params.watched === undefined ? undefined : params.watched === "true",
        },
        sort: params.sort,
        limit: SEARCH_PAGE_SIZE,
        offset: (n - 1) * SEARCH_PAGE_SIZE,
        facets: true,
      })
    ),
    pageContext(c),
  ]);
  const top = (f: { value: string; count: number }[]) => f.slice(0, FACET_VALUES);
  return {
    ctx,
    params,
    total: result.total,
    pages: Math.max(1, Math.ceil(Math.min(result.total, 10_000) / SEARCH_PAGE_SIZE)),
    hits: result.items.map((h) => {
      const film = movieItemView(h);
      return {
        poster: posterFilm(film),
        runtimeMinutes: film.runtimeMinutes ?? null,
        highlights: h.highlights,
      };
    }),
    facets: {
      genre: top(result.facets.genres),
      decade: top(result.facets.decades),
      year: top(result.facets.years),
      resolution: top(result.facets.resolutions),
      // The facet says sdr for films without HDR; the filter says false.
      hdr: top(result.facets.hdr).map((f) => ({
        value: f.value === "sdr" ? "false" : f.value,
        count: f.count,
      })),
      watched: top(result.facets.watched),
    },
  };
}

/** Props of the page, typed from the handler. */
export type SearchProps = Omit<Awaited<ReturnType<typeof handler>>, "ctx">;

/** How a filter's value reads. */
function valueLabel(t: Translator, name: FilterName, value: string): string {
  switch (name) {
    case "decade":
      return t("search.decade", { decade: value });
    case "resolution":
      return value === "sd" ? "SD" : value;
    case "hdr":
      return t(`search.hdr.${value}` as MessageKey);
    case "watched":
      return value === "true" ? t("library.onlyWatched") : t("library.onlyUnwatched");
    default:
      return value;
  }
}

const FILTER_LABEL: Record<FilterName, MessageKey> = {
  genre: "library.genre",
  year: "search.year",
  decade: "library.decade",
  resolution: "library.resolution",
  hdr: "library.hdr",
  watched: "library.watched",
};

/** The page. */
export default function Search({ params, total, pages, hits, facets }: SearchProps) {
  const t = useT();
  const chosen = FILTERS.filter((f) => params[f] !== undefined);
  const n = params.page ?? 1;
  return (
    <div class="search-page">
      <h1>{params.q ? t("search.titleFor", { q: params.q }) : t("search.title")}</h1>
      <p class="muted" role="status">
        {t("search.count", { count: formatNumber(t.lang, total) })}
      </p>
      {chosen.length > 0 && (
        <section aria-labelledby="chosen-filters">
          <h2 id="chosen-filters" class="visually-hidden">{t("search.chosen")}</h2>
          <ul class="chips">
            {chosen.map((f) => (
              <li key={f}>
                <a class="chip" href={searchHref(params, { [f]: undefined })}>
                  <span class="visually-hidden">{`${t("search.remove")} `}</span>
                  {t(FILTER_LABEL[f])}: {valueLabel(t, f, String(params[f]))}{" "}
                  <span aria-hidden="true">×</span>
                </a>
              </li>
            ))}
            {chosen.length > 1 && (
              <li>
                <a class="chip" href={searchHref({ q: params.q, sort: params.sort })}>
                  {t("search.clearFilters")}
                </a>
              </li>
            )}
          </ul>
        </section>
      )}
      <div class="search-layout">
        <aside class="facets" aria-label={t("library.filters")}>
          {FILTERS.map((f) => {
            const values = facets[f].filter((v) => v.count > 0);
            if (!values.length) return null;
            return (
              <section key={f} class="facet">
                <h2>{t(FILTER_LABEL[f])}</h2>
                <ul class="plain">
                  {values.map((v) => {
                    const on = String(params[f]) === v.value;
                    return (
                      <li key={v.value}>
                        <a
                          href={searchHref(params, { [f]: on ? undefined : v.value })}
                          aria-current={on ? "true" : undefined}
                        >
                          {valueLabel(t, f, v.value)}{" "}
                          <span class="muted">({formatNumber(t.lang, v.count)})</span>
                        </a>
                      </li>
                    );
                  })}
                </ul>
              </section>
            );
          })}
        </aside>
        <div class="search-main">
          <nav aria-label={t("library.sort")} class="sorts">
            <span class="muted">{t("library.sort")}:</span>
            <ul class="chips">
              {SEARCH_SORTS.map((s) => {
                const on = (params.sort ?? (params.q ? "relevance" : "title")) === s;
                return (
                  <li key={s}>
                    <a
                      href={searchHref(params, { sort: s })}
                      aria-current={on ? "true" : undefined}
                    >
                      {t(`search.sort.${s}` as MessageKey)}
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
          {hits.length === 0
            ? (
              <div class="card empty">
                <p>
                  {params.q ? t("search.emptyFor", { q: params.q }) : t("search.empty")}
                </p>
                <p class="actions">
                  {chosen.length > 0 && (
                    <a class="button" href={searchHref({ q: params.q })}>
                      {t("search.clearFilters")}
                    </a>
                  )}
                  <a class="button" href="/search">{t("search.browseAll")}</a>
                </p>
              </div>
            )
            : (
              <ol class="search-hits plain" start={(n - 1) * SEARCH_PAGE_SIZE + 1}>
                {hits.map((h, i) => {
                  const title = h.highlights.find((x) => x.field === "title");
                  const other = h.highlights.filter((x) => x.field !== "title");
                  return (
                    <li key={h.poster.id} class="search-hit">
                      <PosterCard film={h.poster} lang={t.lang} eager={i < 6} />
                      <div class="hit-text">
                        <h2 class="hit-title">
                          {title ? <Highlighted snippet={title.snippet} /> : h.poster.title}
                        </h2>
                        <p class="muted">
                          {[
                            h.poster.year,
                            h.runtimeMinutes ? formatRuntime(t.lang, h.runtimeMinutes) : null,
                          ].filter(Boolean).join(" · ")}
                        </p>
                        {other.map((x) => (
                          <p key={x.field} class={`hit-${x.field}`}>
                            <Highlighted snippet={x.snippet} />
                          </p>
                        ))}
                      </div>
                    </li>
                  );
                })}
              </ol>
            )}
          <Pager
            lang={t.lang}
            page={n}
            pages={pages}
            href={(k) => searchHref(params, { page: k })}
          />
        </div>
      </div>
    </div>
  );
}

/** Page routes, mounted at `/search`. */
export const searchPage = new Hono<AppEnv>().get("/", async (c) => {
  const { ctx, ...props } = await handler(c);
  return page(c, <Search {...props} />, {
    title: props.params.q ? ctx.t("search.titleFor", { q: props.params.q }) : ctx.t("search.title"),
    q: props.params.q,
    ctx,
  });
});
