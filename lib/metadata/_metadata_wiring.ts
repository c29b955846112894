/**
 * How the metadata module builds what identification needs, on the main
 * thread (the service) and in each job worker (the jobs), from the
 * `metadata` settings: one TMDb client, shared with the image service for
 * its image base, the matcher, the .nfo and local artwork readers.
 */
import { basename, dirname, extname } from "node:path";
import type { Sql } from "../db/client.ts";
import { type Clock, systemClock } from "../model/clock.ts";
import type { Logger } from "../observability/logger.ts";
import { imageServiceFor } from "./_image_wiring.ts";
import { identify } from "./identify.ts";
import type { ImageService } from "./image_service.ts";
import { findLocalArtwork } from "./local_artwork.ts";
import type { MetadataDeps, MetadataSettings } from "./metadata_deps.ts";
import { findNfo, readNfo } from "./nfo.ts";
import { createTmdbClient } from "./tmdb_client.ts";

/** The file name of a video without its extension. */
function baseOf(videoPath: string): string {
  const name = basename(videoPath);
  return name.slice(0, name.length - extname(name).length);
}

/** The metadata parts over `core.sql`, and the image service they write artwork through. */
export function metadataPartsFor(
  core: { sql: Sql; dataDir: string; logger: Logger; clock?: Clock },
  settings: MetadataSettings,
): { deps: MetadataDeps; images: ImageService; close(): void } {
  const logger = core.logger.child({ component: "metadata" });
  const clock = core.clock ?? systemClock;
  const client = createTmdbClient({ sql: core.sql, settings, logger, clock });
  const images = imageServiceFor(core, settings, client);
  const deps: MetadataDeps = {
    client,
    identify,
    async readNfo(videoPath) {
      const path = await findNfo(dirname(videoPath), baseOf(videoPath));
      const info = path ? await readNfo(path) : null;
      return path && info ? { path, info } : null;
    },
    localArtwork: (videoPath) => findLocalArtwork(dirname(videoPath), baseOf(videoPath)),
    images,
    settings,
    logger,
    clock,
  };
  return { deps, images, close: () => client.close() };
}
