/**
 * How the metadata module builds the image service, on the main thread (for
 * the route) and in each job worker (for `metadata.image`), from the
 * `metadata` settings. Kept apart from module.ts, which several parts of
 * the module edit.
 */
import type { SectionValues } from "../config/config.ts";
import type { Sql } from "../db/client.ts";
import type { Logger } from "../observability/logger.ts";
import type { metadataConfig } from "./config.ts";
import { createImageService, type ImageService } from "./image_service.ts";
import { type TmdbClient, TmdbUnavailableError } from "./tmdb_types.ts";

type Settings = SectionValues<typeof metadataConfig>;

/**
 * The image base only, until lib/metadata/tmdb_client.ts lands: the
 * `tmdbImageUrl` setting. TODO(#11): `createTmdbClient(...).imageBaseUrl()`,
 * which falls back to `/configuration`'s `secure_base_url`.
 */
function imageBaseOnly(settings: Settings): Pick<TmdbClient, "imageBaseUrl"> {
  return {
    imageBaseUrl: () =>
      settings.tmdbImageUrl
        ? Promise.resolve(settings.tmdbImageUrl.replace(/\/+$/, ""))
        : Promise.reject(new TmdbUnavailableError("No TMDb image base URL is configured.")),
  };
}

/** The image service over `sql`, configured by the `metadata` settings. */
export function imageServiceFor(
  core: { sql: Sql; dataDir: string; logger: Logger },
  settings: Settings,
  tmdb: Pick<TmdbClient, "imageBaseUrl"> = imageBaseOnly(settings),
): ImageService {
  return createImageService({
    sql: core.sql,
    dataDir: core.dataDir,
    logger: core.logger.child({ component: "images" }),
    tmdb,
    timeoutMs: settings.tmdbTimeoutMs,
    proxy: settings.tmdbProxy,
    preferLocal: settings.preferLocalArtwork,
  });
}
