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
import { createTmdbClient } from "./tmdb_client.ts";
import type { TmdbClient } from "./tmdb_types.ts";

type Settings = SectionValues<typeof metadataConfig>;

/**
 * The image service over `sql`, configured by the `metadata` settings. The
 * image base comes from `tmdb` (default: a TMDb client of these settings:
 * `tmdbImageUrl`, else `/configuration`'s `secure_base_url`).
 */
export function imageServiceFor(
  core: { sql: Sql; dataDir: string; logger: Logger },
  settings: Settings,
  tmdb?: Pick<TmdbClient, "imageBaseUrl">,
): ImageService {
  return createImageService({
    sql: core.sql,
    dataDir: core.dataDir,
    logger: core.logger.child({ component: "images" }),
    tmdb: tmdb ?? createTmdbClient({ sql: core.sql, settings, logger: core.logger }),
    timeoutMs: settings.tmdbTimeoutMs,
    proxy: settings.tmdbProxy,
    preferLocal: settings.preferLocalArtwork,
  });
}
