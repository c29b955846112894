/**
 * A fake TMDb for tests: a local HTTP server on 127.0.0.1 answering TMDb's
 * v3 wire format (lib/metadata/tmdb_types.ts) for `/configuration`,
 * `/search/movie`, `/movie/{id}` (with `append_to_response` and
 * `include_image_language`), `/collection/{id}` and `/find/{imdb_id}`, and
 * images at `/t/p/{size}/{file}` (real JPEG/PNG bytes). It authenticates like
 * TMDb (Bearer token or `api_key`, else 401 with `status_code` 7), logs every
 * request with a timestamp (for rate measurements), and injects faults on
 * request: 429 with `Retry-After`, 5xx, slow answers, raw (malformed)
 * bodies and dropped connections (the socket closed without an answer,
 * which is why it runs on a raw TCP listener, tests/fakes/raw_http.ts,
 * rather than `Deno.serve`).
 *
 * ```ts
 * const tmdb = await startFakeTmdb(); // DEFAULT_FILMS, token "fake-tmdb-token"
 * // REVENGE_TMDB_API_URL=tmdb.url, REVENGE_TMDB_IMAGE_URL=tmdb.imageUrl
 * tmdb.inject({ kind: "429", retryAfter: 1, times: 2, path: "/search/movie" });
 * await tmdb.close();
 * ```
 */
import { serveRawHttp } from "./raw_http.ts";
import { imageBytes } from "./tmdb_images.ts";
import { searchFilms } from "./tmdb_search.ts";
import {
  collectionDetails,
  type FakeCollection,
  type FakeFilm,
  filmCredits,
  filmImagePaths,
  filmImages,
  filmReleaseDates,
  filmVideos,
  movieDetailsBase,
  movieResult,
} from "./tmdb_shapes.ts";
import { DEFAULT_COLLECTIONS, DEFAULT_FILMS } from "./tmdb_films.ts";

export type { FakeCollection, FakeFilm } from "./tmdb_shapes.ts";
export { DEFAULT_COLLECTIONS, DEFAULT_FILMS } from "./tmdb_films.ts";

/** What {@linkcode startFakeTmdb} serves and accepts. */
export interface FakeTmdbOptions {
  /** The dataset; default {@linkcode DEFAULT_FILMS}. */
  films?: FakeFilm[];
  /** Collection names and overviews; collections only named by films are derived from them. */
  collections?: FakeCollection[];
  /** The accepted Bearer token; default `"fake-tmdb-token"`. */
  token?: string;
  /** The accepted `api_key`; default `"fake-tmdb-key"`. */
  apiKey?: string;
}

/** A fault the fake applies to the next `times` requests whose path matches `path`. */
export type FakeTmdbFault =
  & (
    /** 429 with `Retry-After: retryAfter` seconds (default 1) and TMDb's status_code 25. */
    | { kind: "429"; retryAfter?: number }
    /** A server error (default 503). */
    | { kind: "5xx"; status?: number }
    /** Waits `delayMs`, then answers normally. */
    | { kind: "slow"; delayMs: number }
    /** Answers `body` as it is (e.g. malformed JSON) with `status` (default 200). */
    | { kind: "body"; body: string; status?: number }
    /**
     * Closes the connection without answering. Deno's `fetch` (hyper) itself
     * resends a request once when a reused keep-alive connection closes
     * unanswered, so one drop may not reach the caller: use `times: 2` or more.
     */
    | { kind: "drop" }
  )
  & {
    /** How many requests it applies to (default 1; `Infinity` for a lasting fault). */
    times?: number;
    /** Only requests whose path (e.g. `/3/search/movie`) contains this string or matches this pattern. */
    path?: string | RegExp;
  };

/** One request the fake received. */
export interface FakeTmdbRequest {
  method: string;
  /** The full path, e.g. `/3/movie/603` or `/t/p/w500/p603.jpg`. */
  path: string;
  query: Record<string, string>;
  /** When it arrived, in ms on `performance.now()`'s clock. */
  at: number;
  /** How it authenticated (images need none). */
  auth: "bearer" | "api_key" | "none";
  /** The status answered, or `"dropped"`. */
  status: number | "dropped";
  /** The injected fault that shaped the answer, if any. */
  fault?: FakeTmdbFault["kind"];
}

/** A running fake TMDb. */
export interface FakeTmdb {
  /** The API base, `http://127.0.0.1:PORT/3` (for `REVENGE_TMDB_API_URL`). */
  url: string;
  /** The image base, `http://127.0.0.1:PORT/t/p` (for `REVENGE_TMDB_IMAGE_URL`). */
  imageUrl: string;
  token: string;
  apiKey: string;
  /** The dataset, by id; tests may add or change films while it runs. */
  films: Map<number, FakeFilm>;
  /** Every request, in arrival order. */
  requests: FakeTmdbRequest[];
  /** Queues a fault (faults apply first come, first served). */
  inject(fault: FakeTmdbFault): void;
  /** Removes the faults not used up yet. */
  clearFaults(): void;
  close(): Promise<void>;
}

const IMAGE_SIZES = new Set([
  "w45",
  "w92",
  "w154",
  "w185",
  "w300",
  "w342",
  "w500",
  "w780",
  "w1280",
  "h632",
  "original",
]);

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json;charset=utf-8", ...headers },
  });
}

function tmdbError(status: number, code: number, message: string, headers = {}): Response {
  return json({ success: false, status_code: code, status_message: message }, status, headers);
}

const notFound = () => tmdbError(404, 34, "The resource you requested could not be found.");

function page<T>(all: T[], n: number) {
  return {
    page: n,
    results: all.slice((n - 1) * 20, n * 20),
    total_pages: Math.max(1, Math.ceil(all.length / 20)),
    total_results: all.length,
  };
}

/** Starts a fake TMDb on a free port of 127.0.0.1. */
export async function startFakeTmdb(opts: FakeTmdbOptions = {}): Promise<FakeTmdb> {
  await imageBytes("/p0.jpg"); // renders the image templates before the first request
  const token = opts.token ?? "fake-tmdb-token";
  const apiKey = opts.apiKey ?? "fake-tmdb-key";
  const films = new Map((opts.films ?? DEFAULT_FILMS).map((f) => [f.id, f]));
  const collections = new Map(
    (opts.collections ?? (opts.films ? [] : DEFAULT_COLLECTIONS)).map((c) => [c.id, c]),
  );
  const requests: FakeTmdbRequest[] = [];
  let faults: (FakeTmdbFault & { left: number })[] = [];
  let base = "";

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });

  function takeFault(path: string): FakeTmdbFault | undefined {
    const f = faults.find((f) =>
      f.left > 0 &&
      (f.path === undefined ||
        (typeof f.path === "string" ? path.includes(f.path) : f.path.test(path)))
    );
    if (!f) return undefined;
    f.left--;
    faults = faults.filter((x) => x.left > 0);
    return f;
  }

  function images(path: string): Promise<Response> | Response {
    const m = path.match(/^\/t\/p\/([^/]+)(\/[^/]+)$/);
    if (!m || !IMAGE_SIZES.has(m[1])) return notFound();
    const file = decodeURIComponent(m[2]);
    const known = [...films.values()].some((f) => filmImagePaths(f).includes(file)) ||
      [...collections.keys()].some((id) => file === `/c${id}.jpg` || file === `/cb${id}.jpg`);
    if (!known) return new Response("Not Found", { status: 404 });
    return imageBytes(file).then(({ bytes, type }) =>
      new Response(bytes, { headers: { "content-type": type } })
    );
  }

  function movie(id: number, q: URLSearchParams): Response {
    const f = films.get(id);
    if (!f) return notFound();
    const parts = new Set((q.get("append_to_response") ?? "").split(",").map((s) => s.trim()));
    const out: Record<string, unknown> = movieDetailsBase(f);
    if (parts.has("credits")) out.credits = filmCredits(f);
    if (parts.has("images")) {
      // As TMDb: `language` filters images to its language unless include_image_language widens it.
      const langs = q.get("include_image_language")?.split(",") ??
        (q.has("language") ? [q.get("language")!.slice(0, 2)] : undefined);
      const keep = (img: { iso_639_1: string | null }) =>
        !langs || langs.includes(img.iso_639_1 ?? "null");
      const all = filmImages(f);
      out.images = {
        backdrops: all.backdrops.filter(keep),
        logos: all.logos.filter(keep),
        posters: all.posters.filter(keep),
      };
    }
    if (parts.has("release_dates")) out.release_dates = filmReleaseDates(f);
    if (parts.has("videos")) out.videos = filmVideos(f);
    if (parts.has("similar")) {
      const similar = (f.similar ?? []).flatMap((s) => films.get(s) ?? []).map(movieResult);
      out.similar = page(similar, 1);
    }
    return json(out);
  }

  function collection(id: number): Response {
    const members = [...films.values()].filter((f) => f.collection?.id === id);
    const c = collections.get(id) ?? members[0]?.collection;
    if (!c) return notFound();
    return json(collectionDetails(c, members));
  }

  function api(path: string, q: URLSearchParams): Response {
    if (path === "/configuration") {
      return json({
        images: {
          base_url: `${base}/t/p/`,
          secure_base_url: `${base}/t/p/`,
          backdrop_sizes: ["w300", "w780", "w1280", "original"],
          logo_sizes: ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
          poster_sizes: ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
          profile_sizes: ["w45", "w185", "h632", "original"],
          still_sizes: ["w92", "w185", "w300", "original"],
        },
        change_keys: ["adult", "cast", "crew", "images", "overview", "release_dates", "title"],
      });
    }
    if (path === "/search/movie") {
      const p = Number(q.get("page") ?? 1);
      if (!Number.isInteger(p) || p < 1 || p > 500) {
        return tmdbError(
          400,
          22,
          "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
        );
      }
      const y = Number(q.get("primary_release_year") ?? q.get("year") ?? NaN);
      const found = searchFilms(films.values(), q.get("query") ?? "", isNaN(y) ? undefined : y);
      return json(page(found.map(movieResult), p));
    }
    let m = path.match(/^\/movie\/(\d+)$/);
    if (m) return movie(Number(m[1]), q);
    m = path.match(/^\/collection\/(\d+)$/);
    if (m) return collection(Number(m[1]));
    m = path.match(/^\/find\/([^/]+)$/);
    if (m) {
      if (q.get("external_source") !== "imdb_id") {
        return tmdbError(400, 5, "Invalid parameters: Your request parameters are incorrect.");
      }
      const id = decodeURIComponent(m[1]);
      const movies = [...films.values()].filter((f) => f.imdb_id && f.imdb_id === id);
      return json({
        movie_results: movies.map(movieResult),
        person_results: [],
        tv_results: [],
        tv_episode_results: [],
        tv_season_results: [],
      });
    }
    return notFound();
  }

  const server = serveRawHttp(async (req) => {
    const u = new URL(req.url);
    const entry: FakeTmdbRequest = {
      method: req.method,
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      at: performance.now(),
      auth: "none",
      status: 0,
    };
    requests.push(entry);
    const fault = takeFault(u.pathname);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === "drop") {
      entry.status = "dropped";
      return "drop";
    }
    if (fault?.kind === "slow") await sleep(fault.delayMs, server.signal);
    let res: Response;
    if (fault?.kind === "429") {
      res = tmdbError(
        429,
        25,
        "Your request count (#) is over the allowed limit of (40).",
        { "retry-after": String(fault.retryAfter ?? 1) },
      );
    } else if (fault?.kind === "5xx") {
      const status = fault.status ?? 503;
      res = status === 503
        ? tmdbError(
          503,
          9,
          "Service offline: This service is temporarily offline, try again later.",
        )
        : tmdbError(status, 11, "Internal error: Something went wrong, contact TMDb.");
    } else if (fault?.kind === "body") {
      res = new Response(fault.body, {
        status: fault.status ?? 200,
        headers: { "content-type": "application/json;charset=utf-8" },
      });
    } else if (u.pathname.startsWith("/t/p/")) {
      res = await images(u.pathname);
    } else if (req.method !== "GET" || !u.pathname.startsWith("/3/")) {
      res = notFound();
    } else {
      const authz = req.headers.get("authorization");
      if (authz !== null) entry.auth = authz === `Bearer ${token}` ? "bearer" : "none";
      else if (u.searchParams.get("api_key") === apiKey) entry.auth = "api_key";
      res = entry.auth === "none"
        ? tmdbError(401, 7, "Invalid API key: You must be granted a valid key.")
        : api(u.pathname.slice(2), u.searchParams);
    }
    entry.status = res.status;
    return res;
  });
  base = `http://127.0.0.1:${server.port}`;

  return {
    url: `${base}/3`,
    imageUrl: `${base}/t/p`,
    token,
    apiKey,
    films,
    requests,
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    close: () => server.close(),
  };
}
