/**
 * `/api/v1/movies`: the films of the libraries the caller may see, their
 * files, credits and genres, the caller's watch progress, and the fixed
 * lists (recently added, top rated, continue watching, history, stats).
 * The caller is always the session's or key's user; a film in a library
 * they may not see answers 404 exactly like an unknown id.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { createRouter } from "../../lib/http/router.ts";
import type { AppEnv } from "../../lib/http/types.ts";
import { hasPermission } from "../../lib/model/permissions.ts";
import type {
  MovieDetailRecord,
  MovieQuery,
  MovieRecord,
  Page,
  ProgressRecord,
  Viewer,
} from "../../lib/movies/movies_service.ts";
import { errors, json, jsonBody, needs, pageOf, Paging } from "./_schemas.ts";

// The film schemas and views are exported for `collections.ts`, whose films are the same items.

const time = z.string().describe("ISO 8601 date-time");
const Hdr = z.enum(["hdr10", "hdr10plus", "hlg", "dolby_vision"]).openapi("HdrFormat");

/** Path parameter `id` (a film or collection id). */
export const IdParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
});

/** The caller's progress on a film. */
export const Progress = z.object({
  positionMs: z.number().int().describe("The resume point; 0: none"),
  durationMs: z.number().int().nullable().describe("Null until played with a known duration"),
  watched: z.boolean(),
  playCount: z.number().int(),
  lastPlayedAt: time.nullable().describe("Null: never played"),
  resumable: z.boolean().describe("A resume point is kept"),
}).openapi("WatchProgress");

/** A film as lists show it. */
export const MovieItem = z.object({
  id: z.uuid(),
  libraryId: z.uuid(),
  title: z.string(),
  originalTitle: z.string().nullable(),
  sortTitle: z.string(),
  year: z.number().int().nullable(),
  edition: z.string().nullable(),
  matchState: z.enum(["matched", "needs_review", "unmatched"]).describe(
    "matched: identified on TMDb; needs_review: candidates wait for an administrator; unmatched: not identified (yet)",
  ),
  overview: z.string().nullable(),
  tagline: z.string().nullable(),
  runtimeMinutes: z.number().int().nullable(),
  releaseDate: z.string().nullable().describe("YYYY-MM-DD"),
  certification: z.string().nullable(),
  rating: z.number().nullable(),
  voteCount: z.number().int().nullable(),
  popularity: z.number().nullable(),
  posterPath: z.string().nullable(),
  backdropPath: z.string().nullable(),
  posterUrl: z.string().nullable().describe(
    "The cached poster (`/api/v1/images/poster/{id}/w342?v=<version>`; other widths by the same route); null until downloaded",
  ),
  posterBlurhash: z.string().nullable().describe("Placeholder while the poster loads"),
  backdropUrl: z.string().nullable().describe("The cached backdrop (w1280); null until downloaded"),
  backdropBlurhash: z.string().nullable(),
  collectionId: z.uuid().nullable(),
  tmdbId: z.number().int().nullable(),
  imdbId: z.string().nullable(),
  addedAt: time,
  updatedAt: time,
  durationMs: z.number().int().nullable().describe("The longest available file's"),
  resolution: z.string().nullable().describe("The best available file's: 2160p, 1080p, ..., sd"),
  hdr: Hdr.nullable().describe("The best available file's; null: SDR or not probed yet"),
  userData: Progress.nullable().describe("The caller's progress; null: never played"),
}).openapi("Movie");

/** A page of films. */
export const MoviePage = pageOf(MovieItem, "MoviePage");

const Candidate = z.object({
  tmdbId: z.number().int(),
  title: z.string(),
  originalTitle: z.string().nullable(),
  year: z.number().int().nullable(),
  popularity: z.number(),
  posterPath: z.string().nullable(),
  score: z.number().describe("0-100"),
}).openapi("MatchCandidate");

/** A film in detail. */
export const MovieDetail = MovieItem.extend({
  genres: z.array(z.string()),
  studios: z.array(z.string()),
  spokenLanguages: z.array(z.string()).describe("ISO 639-1"),
  countries: z.array(z.string()).describe("ISO 3166-1 production countries"),
  trailers: z.array(z.object({
    site: z.string(),
    key: z.string().describe("The YouTube video id"),
    name: z.string(),
    type: z.string().describe("Trailer or Teaser"),
    official: z.boolean(),
  })),
  matchSource: z.string().nullable().describe("name_id, nfo, search or manual"),
  matchScore: z.number().nullable(),
  matchedAt: time.nullable(),
  matchError: z.string().nullable().optional().describe(
    "Why the film is not identified (yet); only for movies:manage",
  ),
  matchCandidates: z.array(Candidate).nullable().optional().describe(
    "The candidates of a film that needs review; only for movies:manage",
  ),
  collection: z.object({ id: z.uuid(), name: z.string(), posterPath: z.string().nullable() })
    .nullable(),
  files: z.object({
    total: z.number().int(),
    available: z.number().int().describe("Neither missing nor failed"),
    pending: z.number().int().describe("Waiting for ffprobe"),
    failed: z.number().int(),
    missing: z.number().int(),
  }),
}).openapi("MovieDetail");

const nullableInt = z.number().int().nullable();
const Video = z.object({
  index: z.number().int(),
  codec: z.string(),
  profile: z.string().nullable(),
  level: nullableInt,
  width: z.number().int(),
  height: z.number().int(),
  frameRate: z.number().nullable(),
  bitDepth: nullableInt,
  pixelFormat: z.string().nullable(),
  colorPrimaries: z.string().nullable(),
  colorTransfer: z.string().nullable(),
  colorSpace: z.string().nullable(),
  hdr: Hdr.nullable(),
  bitrate: z.number().nullable(),
}).openapi("VideoStream");
const Audio = z.object({
  index: z.number().int(),
  codec: z.string(),
  profile: z.string().nullable(),
  channels: z.number().int(),
  channelLayout: z.string().nullable(),
  sampleRate: nullableInt,
  bitrate: z.number().nullable(),
  language: z.string().nullable(),
  title: z.string().nullable(),
  default: z.boolean(),
  forced: z.boolean(),
}).openapi("AudioTrack");
const Subtitle = z.discriminatedUnion("external", [
  z.object({
    external: z.literal(false),
    index: z.number().int(),
    codec: z.string(),
    language: z.string().nullable(),
    title: z.string().nullable(),
    default: z.boolean(),
    forced: z.boolean(),
    text: z.boolean().describe("Text (servable as WebVTT), not pictures"),
  }),
  z.object({
    external: z.literal(true),
    id: z.uuid(),
    format: z.string().describe("srt, ass, ssa, vtt"),
    language: z.string().nullable(),
    title: z.string().nullable(),
    forced: z.boolean(),
    sdh: z.boolean(),
    default: z.boolean(),
  }),
]).openapi("Subtitle");
const MovieFile = z.object({
  id: z.uuid(),
  movieId: z.uuid(),
  path: z.string(),
  size: z.number(),
  container: z.string().nullable(),
  durationMs: z.number().nullable(),
  bitrate: z.number().nullable(),
  video: Video.nullable().describe(
    "Null while waiting for ffprobe, after it failed, or audio only",
  ),
  audio: z.array(Audio),
  subtitles: z.array(Subtitle).describe("The file's tracks, then the film's subtitle files"),
  chapters: z.array(z.object({
    startMs: z.number(),
    endMs: z.number(),
    title: z.string().nullable(),
  })),
  part: z.number().int().nullable().describe("1, 2, ... for cd1, cd2; null: a single file"),
  resolution: z.string().nullable(),
  hdr: Hdr.nullable(),
  probeState: z.enum(["pending", "ready", "failed"]),
  probeError: z.string().nullable(),
  missing: z.boolean().describe("Not found by the last scan"),
  missingSince: time.nullable(),
  addedAt: time,
  parsed: z.record(z.string(), z.unknown()).describe("What the file's names said"),
}).openapi("MovieFile");
const MovieFileList = z.object({ items: z.array(MovieFile) }).openapi("MovieFileList");

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** JSON of the caller's progress. */
export function progressView(p: ProgressRecord) {
  return { ...p, lastPlayedAt: iso(p.lastPlayedAt) };
}

/** JSON of a film list item. */
export function movieItemView(m: MovieRecord) {
  const { posterVersion, backdropVersion, ...rest } = m;
  // The image route answers `immutable`: the version in the URL changes with the picture.
  return {
    ...rest,
    posterUrl: posterVersion ? `/api/v1/images/poster/${m.id}/w342?v=${posterVersion}` : null,
    backdropUrl: backdropVersion
      ? `/api/v1/images/backdrop/${m.id}/w1280?v=${backdropVersion}`
      : null,
    addedAt: m.addedAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    userData: m.userData && progressView(m.userData),
  };
}

/**
 * JSON of a film in detail; why it is not identified and its candidates
 * only for `manager`s (holders of movies:manage, who can act on them).
 */
export function movieDetailView(film: MovieDetailRecord, manager: boolean) {
  const { matchError, matchCandidates, ...rest } = film;
  return {
    ...movieItemView(rest),
    genres: film.genres,
    collection: film.collection,
    files: film.files,
    studios: film.studios,
    spokenLanguages: film.spokenLanguages,
    countries: film.countries,
    trailers: film.trailers,
    matchSource: film.matchSource,
    matchScore: film.matchScore,
    matchedAt: iso(film.matchedAt),
    ...(manager ? { matchError, matchCandidates } : {}),
  };
}

/** JSON of a page of films. */
export function moviePageView(p: Page<MovieRecord>) {
  return { ...p, items: p.items.map(movieItemView) };
}

/** The caller as the movies service sees them: their id and the libraries they may see. */
export async function viewerOf(c: Context<AppEnv>): Promise<Viewer> {
  const { userId } = c.var.principal!;
  return { userId, access: await c.var.services.auth.authenticator.libraryAccess(userId) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A film the caller may not see answers 404 before its body is read: the
 * answer to a foreign id never depends on what was sent (a malformed id is
 * left to the path validator, which names it).
 */
export function visibleFilmFirst(): MiddlewareHandler<AppEnv> {
  return async function visibleFilmFirst(c, next) {
    const id = c.req.param("id");
    if (id && UUID.test(id)) await c.var.services.movies.assertVisible(await viewerOf(c), id);
    await next();
  };
}

const RESOLUTIONS = ["2160p", "1440p", "1080p", "720p", "576p", "480p", "sd"] as const;
const HDR = ["true", "false", "hdr10", "hdr10plus", "hlg", "dolby_vision"] as const;
const SORTS = ["title", "year", "added", "rating", "runtime", "random"] as const;
const Genre = z.string().min(1).max(400);
const ListQuery = Paging.extend({
  libraryId: z.uuid().optional(),
  matchState: z.enum(["matched", "needs_review", "unmatched"]).optional()
    .describe("needs_review: the films whose match an administrator should decide"),
  genre: z.union([Genre, z.array(Genre).max(50)]).optional()
    .describe("Repeat it or separate with commas: films of any of these genres (any case)"),
  yearFrom: z.coerce.number().int().min(1800).max(2200).optional(),
  yearTo: z.coerce.number().int().min(1800).max(2200).optional(),
  resolution: z.enum(RESOLUTIONS).optional().describe("Films with an available file of it"),
  hdr: z.enum(HDR).optional().describe(
    "true: an available HDR file; false: none; a format: an available file of that format",
  ),
  watched: z.enum(["true", "false"]).optional().describe("Watched by the caller, or not"),
  q: z.string().min(1).max(200).optional()
    .describe("In the title or original title, ignoring case and accents"),
  sort: z.enum(SORTS).optional().describe("Default title"),
  order: z.enum(["asc", "desc"]).optional()
    .describe("Default: asc for title, runtime and random; desc for year, added and rating"),
  seed: z.string().min(1).max(64).optional()
    .describe("For sort=random: the same seed gives the same order, so pages do not overlap"),
});
const MAX_MS = 1e12;
const ProgressBody = z.object({
  positionMs: z.number().int().min(0).max(MAX_MS).describe(
    "Where playback is; past durationMs it counts as the end",
  ),
  durationMs: z.number().int().min(1).max(MAX_MS).optional()
    .describe("Default: the longest available file's duration"),
}).openapi("ProgressReport");
const WatchedBody = z.object({
  watched: z.boolean().optional().describe("Default true"),
}).openapi("WatchedMark");
const Stats = z.object({
  films: z.number().int(),
  files: z.number().int(),
  totalSizeBytes: z.number(),
  totalDurationMs: z.number().describe("Each film counted once, by its longest file"),
  byResolution: z.array(z.object({
    resolution: z.string().nullable().describe("Best of each film; null: not known yet"),
    films: z.number().int(),
  })),
  watched: z.number().int().describe("Films the caller watched"),
  inProgress: z.number().int().describe("Films the caller has a resume point in"),
}).openapi("MovieStats");
const Credit = z.object({
  personId: z.uuid(),
  name: z.string(),
  profilePath: z.string().nullable(),
  tmdbId: z.number().int().nullable(),
});
const CastList = z.object({
  items: z.array(Credit.extend({ character: z.string().nullable(), position: z.number().int() })),
}).openapi("CastList");
const CrewList = z.object({
  items: z.array(Credit.extend({ department: z.string().nullable(), job: z.string().nullable() })),
}).openapi("CrewList");
const GenreList = z.object({ items: z.array(z.string()) }).openapi("GenreList");

function movieQuery(q: z.infer<typeof ListQuery>): MovieQuery {
  const genres = [q.genre ?? []].flat().flatMap((g) => g.split(","))
    .map((g) => g.trim()).filter(Boolean);
  return {
    ...q,
    genres: genres.length ? genres : undefined,
    hdr: q.hdr === "true" ? true : q.hdr === "false" ? false : q.hdr,
    watched: q.watched === undefined ? undefined : q.watched === "true",
  };
}

const read = { tags: ["movies"], ...needs("movies:read") };
const write = { tags: ["movies"], ...needs("self:update") };
const fixedList = (path: string, summary: string) =>
  createRoute({
    method: "get",
    path,
    ...read,
    summary,
    request: { query: Paging },
    responses: { 200: json("a page of films", MoviePage), ...errors(400, 401, 403) },
  });
const ofFilm = <R extends z.ZodType>(path: string, summary: string, schema: R) =>
  createRoute({
    method: "get",
    path,
    ...read,
    summary,
    request: { params: IdParam },
    responses: { 200: json(summary, schema), ...errors(400, 401, 403, 404) },
  });

/** Routes of `/api/v1/movies`. */
export const movies = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      ...read,
      summary: "Available films, filtered and sorted",
      description: "A film is listed once it has a file that is not missing and not failed.",
      request: { query: ListQuery },
      responses: { 200: json("a page of films", MoviePage), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const q = movieQuery(c.req.valid("query"));
      return c.json(moviePageView(await c.var.services.movies.list(await viewerOf(c), q)), 200);
    },
  )
  // The fixed paths come before /{id}, which would otherwise be asked to match them.
  .openapi(fixedList("/recently-added", "Available films, newest first"), async (c) => {
    const p = c.req.valid("query");
    return c.json(
      moviePageView(await c.var.services.movies.recentlyAdded(await viewerOf(c), p)),
      200,
    );
  })
  .openapi(fixedList("/top-rated", "Rated films, best first"), async (c) => {
    const p = c.req.valid("query");
    return c.json(moviePageView(await c.var.services.movies.topRated(await viewerOf(c), p)), 200);
  })
  .openapi(
    fixedList("/continue-watching", "The caller's resume points, last played first"),
    async (c) => {
      const p = c.req.valid("query");
      const page = await c.var.services.movies.continueWatching(await viewerOf(c), p);
      return c.json(moviePageView(page), 200);
    },
  )
  .openapi(
    fixedList("/watch-history", "Films the caller played or marked watched, last played first"),
    async (c) => {
      const p = c.req.valid("query");
      return c.json(
        moviePageView(await c.var.services.movies.watchHistory(await viewerOf(c), p)),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/stats",
      ...read,
      summary: "What the caller's libraries hold (available films), and how much they watched",
      responses: { 200: json("statistics", Stats), ...errors(401, 403) },
    }),
    async (c) => c.json(await c.var.services.movies.stats(await viewerOf(c)), 200),
  )
  .openapi(
    ofFilm("/{id}", "One film, with its genres, collection and files counted", MovieDetail),
    async (c) => {
      const film = await c.var.services.movies.get(await viewerOf(c), c.req.valid("param").id);
      return c.json(
        movieDetailView(film, hasPermission(c.var.principal!.permissions, "movies:manage")),
        200,
      );
    },
  )
  .openapi(
    ofFilm("/{id}/files", "The film's files, missing and failed ones too", MovieFileList),
    async (c) => {
      const files = await c.var.services.movies.files(await viewerOf(c), c.req.valid("param").id);
      return c.json({
        items: files.map((f) => ({
          ...f,
          missingSince: f.missingSince?.toISOString() ?? null,
          addedAt: f.addedAt.toISOString(),
        })),
      }, 200);
    },
  )
  .openapi(ofFilm("/{id}/cast", "The cast, in billing order", CastList), async (c) => {
    const cast = await c.var.services.movies.cast(await viewerOf(c), c.req.valid("param").id);
    return c.json({
      items: cast.map(({ department: _d, job: _j, ...rest }) => rest),
    }, 200);
  })
  .openapi(ofFilm("/{id}/crew", "The crew, in credit order", CrewList), async (c) => {
    const crew = await c.var.services.movies.crew(await viewerOf(c), c.req.valid("param").id);
    return c.json({
      items: crew.map(({ character: _c, position: _p, ...rest }) => rest),
    }, 200);
  })
  .openapi(ofFilm("/{id}/genres", "The film's genres, alphabetically", GenreList), async (c) => {
    const items = await c.var.services.movies.genres(await viewerOf(c), c.req.valid("param").id);
    return c.json({ items }, 200);
  })
  .openapi(
    ofFilm("/{id}/progress", "The caller's progress (never played: zeros)", Progress),
    async (c) => {
      const p = await c.var.services.movies.progress(await viewerOf(c), c.req.valid("param").id);
      return c.json(progressView(p), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/progress",
      ...write,
      middleware: [write.middleware, visibleFilmFirst()],
      summary: "Report where playback is",
      description: "Past the watched threshold (REVENGE_WATCHED_PERCENT) the film is watched, " +
        "one play is counted and the resume point cleared; below REVENGE_RESUME_MIN_PERCENT no " +
        "resume point is kept; films shorter than REVENGE_RESUME_MIN_DURATION_SEC are never " +
        "resumed. A position past the duration counts as the end.",
      request: { params: IdParam, body: jsonBody(ProgressBody) },
      responses: { 204: { description: "stored" }, ...errors(400, 401, 403, 404, 415) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.var.services.movies.recordProgress(await viewerOf(c), id, c.req.valid("json"));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/progress",
      ...write,
      summary: "Forget the caller's progress: resume point, watched and plays",
      request: { params: IdParam },
      responses: { 204: { description: "forgotten" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      await c.var.services.movies.clearProgress(await viewerOf(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/watched",
      ...write,
      summary: "Mark the film watched (one more play) or not watched (resume point cleared)",
      request: {
        params: IdParam,
        body: { required: false, content: { "application/json": { schema: WatchedBody } } },
      },
      responses: {
        200: json("the caller's progress now", Progress),
        ...errors(400, 401, 403, 404, 415),
      },
    }),
    async (c) => {
      const watched = c.req.valid("json").watched ?? true;
      const { id } = c.req.valid("param");
      const p = await c.var.services.movies.setWatched(await viewerOf(c), id, watched);
      return c.json(progressView(p), 200);
    },
  );
