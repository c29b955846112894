/**
 * The sort and filters of a film grid page as URL parameters (`sort`,
 * `genre`, `decade`, `resolution`, `hdr`, `watched`, `page`, `seed`):
 * validated once (a bad value is a 400 page naming it), turned into the
 * movies service's query, and written back as the page's and the JSON
 * API's query strings. Private to `routes/`.
 */
import { z } from "@hono/zod-openapi";
import { ValidationError } from "../lib/model/errors.ts";
import type { MovieQuery } from "../lib/movies/movies_service.ts";

/** Films per page of a grid. */
export const PAGE_SIZE = 60;

export const SORTS = ["title", "year", "added", "rating", "runtime", "random"] as const;
export const RESOLUTIONS = ["2160p", "1440p", "1080p", "720p", "576p", "480p", "sd"] as const;

const GridQuery = z.object({
  sort: z.enum(SORTS).optional(),
  genre: z.string().trim().min(1).max(100).optional(),
  decade: z.coerce.number().int().min(1800).max(2200).multipleOf(10).optional(),
  resolution: z.enum(RESOLUTIONS).optional(),
  hdr: z.enum(["true", "false"]).optional(),
  watched: z.enum(["true", "false"]).optional(),
  page: z.coerce.number().int().min(1).max(100000).optional(),
  seed: z.string().regex(/^[a-z0-9]{1,16}$/).optional(),
});

/** The parsed parameters. */
export type GridParams = z.infer<typeof GridQuery>;

/** Parses a page's query; a bad value is a {@linkcode ValidationError} naming it. */
export function gridParams(query: Record<string, string>): GridParams {
  const r = GridQuery.safeParse(query);
  if (!r.success) {
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
  const p = r.data;
  // A random order needs a seed so its pages do not overlap; one is chosen for the links.
  if (p.sort === "random" && !p.seed) p.seed = Math.random().toString(36).slice(2, 10);
  return p;
}

/** The movies service's query for page `p.page` of `libraryId`'s grid. */
export function movieQuery(p: GridParams, libraryId?: string): MovieQuery {
  return {
    libraryId,
    sort: p.sort,
    seed: p.seed,
    genres: p.genre ? [p.genre] : undefined,
    yearFrom: p.decade,
    yearTo: p.decade === undefined ? undefined : p.decade + 9,
    resolution: p.resolution,
    hdr: p.hdr === undefined ? undefined : p.hdr === "true",
    watched: p.watched === undefined ? undefined : p.watched === "true",
    limit: PAGE_SIZE,
    offset: ((p.page ?? 1) - 1) * PAGE_SIZE,
  };
}

/** The parameters (without `page`) as a query string, `""` or `?a=b&...`. */
export function gridSearch(p: GridParams): string {
  const s = new URLSearchParams();
  for (const k of ["sort", "genre", "decade", "resolution", "hdr", "watched", "seed"] as const) {
    if (p[k] !== undefined) s.set(k, String(p[k]));
  }
  const text = s.toString();
  return text ? `?${text}` : "";
}

/** The JSON API query of the same grid: `/api/v1/movies?libraryId=...&...` (no paging). */
export function apiSearch(p: GridParams, libraryId?: string): string {
  const s = new URLSearchParams();
  if (libraryId) s.set("libraryId", libraryId);
  if (p.sort) s.set("sort", p.sort);
  if (p.seed) s.set("seed", p.seed);
  if (p.genre) s.set("genre", p.genre);
  if (p.decade !== undefined) {
    s.set("yearFrom", String(p.decade));
    s.set("yearTo", String(p.decade + 9));
  }
  if (p.resolution) s.set("resolution", p.resolution);
  if (p.hdr) s.set("hdr", p.hdr);
  if (p.watched) s.set("watched", p.watched);
  return `/api/v1/movies?${s}`;
}
