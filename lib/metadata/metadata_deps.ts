/**
 * What the metadata jobs and service work with: the TMDb client, the
 * matcher, the .nfo and local artwork readers, and the image service. They
 * are interfaces here so the jobs (in job workers) and the service (on the
 * main thread) get the same parts from one place (lib/metadata/wiring.ts).
 */
import type { SectionValues } from "../config/config.ts";
import type { Tx } from "../db/client.ts";
import type { IdentifyInput, IdentifyResult, LocalArtwork, NfoInfo } from "../model/metadata.ts";
import type { Clock } from "../model/clock.ts";
import type { Logger } from "../observability/logger.ts";
import type { metadataConfig } from "./config.ts";
import type { TmdbClient } from "./tmdb_types.ts";

/** The `metadata` settings. */
export type MetadataSettings = SectionValues<typeof metadataConfig>;

/** Image rows for artwork, each downloaded (or read) by a `metadata.image` job. */
export interface Artwork {
  /** The image row of a TMDb file path (created with its job in `tx` when new). */
  ensureTmdb(tx: Tx, tmdbPath: string): Promise<string>;
  /** The image row of a local file (created with its job in `tx` when new or changed). */
  ensureLocal(tx: Tx, absPath: string): Promise<string>;
}

/** A film's .nfo next to one of its files: where it is and what it says. */
export interface FoundNfo {
  path: string;
  info: NfoInfo;
}

/** Everything identification and the details writer need. */
export interface MetadataDeps {
  client: TmdbClient;
  /** The matcher (lib/metadata/identify.ts). */
  identify(input: IdentifyInput, client: TmdbClient, o: { threshold: number }): Promise<
    IdentifyResult
  >;
  /** The .nfo of the video at `videoPath` (`<name>.nfo` or `movie.nfo`), or null. */
  readNfo(videoPath: string): Promise<FoundNfo | null>;
  /** Local artwork next to the video at `videoPath`. */
  localArtwork(videoPath: string): Promise<LocalArtwork>;
  /** Null: artwork is not cached (the TMDb paths are still stored). */
  images: Artwork | null;
  settings: MetadataSettings;
  logger: Logger;
  clock: Clock;
}
