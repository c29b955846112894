/**
 * The `metadata` section: how Revenge reaches TMDb (credentials, base URLs,
 * rate, proxy, language), how sure the matcher must be, how often metadata
 * is refreshed, and how artwork and local files are treated.
 */
import { defineSection } from "../config/config.ts";
import { bool, duration, integer, matching, text, url } from "../config/values.ts";

/** The `metadata` section. */
export const metadataConfig = defineSection("metadata", "TMDb, identification and artwork.", {
  tmdbToken: {
    env: "REVENGE_TMDB_TOKEN",
    schema: text().optional(),
    secret: true,
    doc:
      "TMDb API read access token (v4 token, sent as `Authorization: Bearer`). Without it or `tmdbApiKey`, films keep the title and year of their names and stay unmatched.",
  },
  tmdbApiKey: {
    env: "REVENGE_TMDB_API_KEY",
    schema: text().optional(),
    secret: true,
    doc: "TMDb v3 API key (sent as `api_key`), used when `tmdbToken` is unset.",
  },
  tmdbApiUrl: {
    env: "REVENGE_TMDB_API_URL",
    schema: url(["http:", "https:"]),
    default: "https://api.themoviedb.org/3",
    doc: "Base URL of the TMDb v3 API (a proxy or a test server may stand in).",
  },
  tmdbImageUrl: {
    env: "REVENGE_TMDB_IMAGE_URL",
    schema: url(["http:", "https:"]).optional(),
    doc:
      "Base URL of TMDb images (`https://image.tmdb.org/t/p`); unset: the `secure_base_url` TMDb's `/configuration` answers. Artwork is fetched from this host only.",
  },
  tmdbRateLimit: {
    env: "REVENGE_TMDB_RATE_LIMIT",
    schema: integer(1, 1000),
    default: 35,
    doc:
      "Most TMDb requests per second this instance sends (TMDb allows about 40). A 429 answer also pauses requests for its `Retry-After`.",
  },
  tmdbLanguage: {
    env: "REVENGE_TMDB_LANGUAGE",
    schema: matching(/^[a-z]{2}(-[A-Z]{2})?$/, "must be a language like en or en-US"),
    default: "en-US",
    doc:
      "Language of titles and overviews asked of TMDb; images in this language and in none are kept (`include_image_language`).",
  },
  tmdbRegion: {
    env: "REVENGE_TMDB_REGION",
    schema: matching(/^[A-Z]{2}$/, "must be a country code like US").optional(),
    doc: "Country whose release dates and certification are taken (ISO 3166-1, `US`); unset: US.",
  },
  tmdbProxy: {
    env: "REVENGE_TMDB_PROXY",
    schema: url(["http:", "https:"]).optional(),
    doc: "HTTP proxy for requests to TMDb (API and images).",
  },
  tmdbTimeoutMs: {
    env: "REVENGE_TMDB_TIMEOUT_MS",
    schema: duration("ms", 100),
    default: 10000,
    doc: "Longest one TMDb request may take before it is retried (milliseconds).",
  },
  tmdbCacheHours: {
    env: "REVENGE_TMDB_CACHE_HOURS",
    schema: duration("h"),
    default: 24,
    doc: "How long a TMDb answer is kept in the database and reused (hours, or a duration).",
  },
  matchThreshold: {
    env: "REVENGE_MATCH_THRESHOLD",
    schema: integer(1, 100),
    default: 80,
    doc:
      "Score (0-100) a search candidate needs to be matched automatically; below it the film is marked `needs_review` with its candidates.",
  },
  refreshDays: {
    env: "REVENGE_METADATA_REFRESH_DAYS",
    schema: integer(0, 3650),
    default: 30,
    doc: "Metadata older than this many days is refreshed by the periodic job; `0` never.",
  },
  preferLocalArtwork: {
    env: "REVENGE_PREFER_LOCAL_ARTWORK",
    schema: bool(),
    default: true,
    doc:
      "`poster.jpg`, `folder.jpg`, `fanart.jpg`, `<name>-poster.jpg` and the like next to a film win over TMDb's artwork.",
  },
  autoCollections: {
    env: "REVENGE_AUTO_COLLECTIONS",
    schema: bool(),
    default: true,
    doc: "Films TMDb puts in a collection (`belongs_to_collection`) are grouped into it.",
  },
});
