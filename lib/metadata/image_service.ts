/**
 * Artwork (`c.var.services.images`): images are made known with
 * {@linkcode ImageService.ensureTmdb} / {@linkcode ImageService.ensureLocal}
 * in the caller's transaction, which also enqueues their `metadata.image`
 * job (unique per image) on the `images` queue, so they are fetched once,
 * with the queue's concurrency, by {@linkcode ImageService.fetch}. The route
 * asks {@linkcode ImageService.file} for the cached file of one size.
 *
 * Who may see what: a film's artwork only if the film is in a library the
 * caller may see (otherwise it is not found, exactly like an unknown id);
 * the artwork of collections and people is shown to every caller the route
 * lets in (`movies:read`), as their names and overviews are.
 */
import type { Queryable, Sql } from "../db/client.ts";
import { createImageRepo, type EnsuredImage, type ImageRecord } from "../db/image_repo.ts";
import type { LibraryAccess } from "../db/movie_repo.ts";
import { createJobQueue } from "../jobs/job_queue.ts";
import { type Clock, systemClock } from "../model/clock.ts";
import { NotFoundError, ValidationError } from "../model/errors.ts";
import { IMAGE_SIZES, type ImageSize, isSizeOf } from "../model/image_sizes.ts";
import type { ImageKind } from "../model/metadata.ts";
import type { Logger } from "../observability/logger.ts";
import { createImageStore, type ImageStore, type VariantFile } from "./image_store.ts";
import {
  downloadTmdbImage,
  ImageRejectedError,
  inspectImage,
  MAX_IMAGE_BYTES,
  readLocalImage,
  TMDB_IMAGE_PATH,
} from "./image_source.ts";
import { METADATA_KINDS } from "./kinds.ts";
import type { TmdbClient } from "./tmdb_types.ts";

/** Dependencies of {@linkcode createImageService}. */
export interface ImageServiceDeps {
  sql: Sql;
  /** `server.dataDir`: the cache is `<dataDir>/cache/images`. */
  dataDir: string;
  /** Where TMDb images come from: the configured (or `/configuration`'s) image base. */
  tmdb: Pick<TmdbClient, "imageBaseUrl">;
  logger: Logger;
  clock?: Clock;
  /** Longest one download may take (default 30 s). */
  timeoutMs?: number;
  /** `metadata.tmdbProxy`: downloads go through it. */
  proxy?: string;
  /** Largest original accepted (default 32 MiB). */
  maxBytes?: number;
  /** `metadata.preferLocalArtwork`: local artwork wins over TMDb's (default true). */
  preferLocal?: boolean;
}

/** One image route request. */
export interface ImageRequest {
  kind: ImageKind;
  /** A film (poster, backdrop, logo), a collection (poster, backdrop) or a person (profile). */
  id: string;
  size: ImageSize;
  /** The client accepts WebP. */
  webp: boolean;
}

/** A cached file to send. */
export interface ImageFile extends VariantFile {
  /** The cache folder `relative` is under: serve through a file resolver on it. */
  root: string;
  /** Strong: the original's digest, the size and the format. */
  etag: string;
}

/** What one `metadata.image` run did. */
export type FetchOutcome = "ready" | "failed" | "skipped";

/** The artwork service. */
export interface ImageService {
  /** The cache folder. */
  readonly root: string;
  /**
   * The image of a TMDb file path (`/abc.jpg`), made pending and its
   * download enqueued in `tx` if it is new (or still pending, or failed
   * for a transient reason long enough ago); a ready image, or one that
   * cannot be had, is left alone. Answers its id.
   */
  ensureTmdb(tx: Queryable, tmdbPath: string): Promise<string>;
  /**
   * The image of a local artwork file (an absolute path found by
   * `findLocalArtwork`); a new file, or one whose mtime or size changed
   * since it was read, is (re-)read by a job enqueued in `tx`.
   */
  ensureLocal(tx: Queryable, absPath: string): Promise<string>;
  /**
   * The image a film (collection, person) should show for one kind: its
   * local artwork when there is some and `preferLocal` holds (or TMDb has
   * none), else TMDb's; null when neither. Ensured as above, in `tx`.
   */
  ensureArtwork(
    tx: Queryable,
    from: { local?: string | null; tmdbPath?: string | null },
  ): Promise<string | null>;
  /**
   * Downloads or reads one image into the cache (the `metadata.image` job).
   * An image that cannot be had is marked failed with the reason; a
   * transient failure throws (the job is retried).
   */
  fetch(imageId: string, signal?: AbortSignal): Promise<FetchOutcome>;
  /** Marks an image failed after a job ran out of attempts: a later ensure tries again. */
  giveUp(imageId: string, reason: string): Promise<void>;
  /** The cached file for a route request, resized now if needed. */
  file(access: LibraryAccess, req: ImageRequest): Promise<ImageFile>;
}

/** How long an image whose job gave up waits before an ensure tries it again. */
const RETRY_FAILED_AFTER_MS = 6 * 3_600_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The unique key of an image's job: while one is waiting or running, no second is added. */
function jobKey(imageId: string): string {
  return `metadata.image:${imageId}`;
}

/** Creates the service. */
export function createImageService(deps: ImageServiceDeps): ImageService {
  const store: ImageStore = createImageStore(deps.dataDir);
  const clock = deps.clock ?? systemClock;
  const maxBytes = deps.maxBytes ?? MAX_IMAGE_BYTES;
  let client: Deno.HttpClient | undefined;
  const httpClient = () =>
    deps.proxy ? (client ??= Deno.createHttpClient({ proxy: { url: deps.proxy } })) : undefined;

  async function enqueue(tx: Queryable, imageId: string): Promise<void> {
    await createJobQueue({ sql: tx, kinds: METADATA_KINDS })
      .enqueue("metadata.image", { imageId }, { tx, uniqueKey: jobKey(imageId) });
  }

  function retryDue(row: EnsuredImage): boolean {
    return row.state === "failed" && row.retryAfter !== null &&
      row.retryAfter.getTime() <= clock.now().getTime();
  }

  async function bytesOf(image: ImageRecord, signal?: AbortSignal) {
    if (image.source === "local") {
      const read = await readLocalImage(image.sourcePath, maxBytes);
      return { bytes: read.bytes, stat: { sourceMtime: read.mtime, sourceSize: read.size } };
    }
    const base = await deps.tmdb.imageBaseUrl();
    const bytes = await downloadTmdbImage(base, image.sourcePath, {
      signal,
      timeoutMs: deps.timeoutMs,
      maxBytes,
      client: httpClient(),
    });
    return { bytes, stat: {} };
  }

  async function lookup(access: LibraryAccess, req: ImageRequest): Promise<ImageRecord | null> {
    const repo = createImageRepo(deps.sql);
    if (req.kind === "profile") return await repo.ofOwner("person", req.id, "profile");
    // Film ids and collection ids are both uuids and never collide: a film's first. A film
    // the caller may not see finds no collection either, so it answers like an unknown id.
    const film = await repo.ofMovie(access, req.id, req.kind);
    if (film || req.kind === "logo") return film;
    return await repo.ofOwner("collection", req.id, req.kind);
  }

  return {
    root: store.root,

    async ensureTmdb(tx, tmdbPath) {
      if (!TMDB_IMAGE_PATH.test(tmdbPath)) {
        throw new ValidationError(`Not a TMDb image path: ${JSON.stringify(tmdbPath)}.`);
      }
      const repo = createImageRepo(tx);
      const row = await repo.ensure("tmdb", tmdbPath);
      if (retryDue(row)) await repo.markPending(row.id, { mtime: null, size: null });
      if (row.state === "pending" || retryDue(row)) await enqueue(tx, row.id);
      return row.id;
    },

    async ensureLocal(tx, absPath) {
      let info: Deno.FileInfo;
      try {
        info = await Deno.lstat(absPath);
      } catch (e) {
        throw new NotFoundError("No such artwork file.", { cause: e });
      }
      if (!info.isFile || !absPath.startsWith("/")) {
        throw new ValidationError("Local artwork must be a regular file, named absolutely.");
      }
      const repo = createImageRepo(tx);
      const stat = { mtime: info.mtime, size: info.size };
      const row = await repo.ensure("local", absPath, stat);
      const changed = !row.inserted && (row.sourceSize !== info.size ||
        (row.sourceMtime?.getTime() ?? null) !== (info.mtime?.getTime() ?? null));
      if (changed || retryDue(row)) await repo.markPending(row.id, stat);
      if (changed || retryDue(row) || row.state === "pending") await enqueue(tx, row.id);
      return row.id;
    },

    async ensureArtwork(tx, from) {
      const preferLocal = deps.preferLocal ?? true;
      if (from.local && (preferLocal || !from.tmdbPath)) {
        return await this.ensureLocal(tx, from.local);
      }
      if (from.tmdbPath) return await this.ensureTmdb(tx, from.tmdbPath);
      return null;
    },

    async fetch(imageId, signal) {
      const repo = createImageRepo(deps.sql);
      const image = await repo.get(imageId);
      // Fetched once: a ready (or failed) image is not fetched again by a duplicate delivery.
      if (!image || image.state !== "pending") return "skipped";
      try {
        const { bytes, stat } = await bytesOf(image, signal);
        const inspected = await inspectImage(bytes);
        await store.saveOriginal({ id: image.id, ...inspected }, inspected.bytes);
        await repo.markReady(image.id, { ...inspected, ...stat }, clock.now());
        deps.logger.debug("image cached", { imageId, source: image.source });
        return "ready";
      } catch (e) {
        if (!(e instanceof ImageRejectedError) || signal?.aborted) throw e;
        await repo.markFailed(image.id, e.reason, clock.now());
        deps.logger.info("image refused", { imageId, source: image.source, reason: e.reason });
        return "failed";
      }
    },

    async giveUp(imageId, reason) {
      const now = clock.now();
      const retryAfter = new Date(now.getTime() + RETRY_FAILED_AFTER_MS);
      await createImageRepo(deps.sql).markFailed(imageId, reason, now, retryAfter);
    },

    async file(access, req) {
      if (!isSizeOf(req.kind, req.size)) {
        throw new ValidationError(
          `A ${req.kind} comes in ${IMAGE_SIZES[req.kind].join(", ")}, not ${req.size}.`,
          { issues: [{ path: "param.size", message: `not a ${req.kind} size` }] },
        );
      }
      if (!UUID.test(req.id)) throw new NotFoundError("No such image.");
      const image = await lookup(access, req);
      if (!image) throw new NotFoundError("No such image.");
      if (image.state === "pending") throw new NotFoundError("The image is not downloaded yet.");
      if (image.state === "failed" || !image.sha256 || !image.contentType) {
        throw new NotFoundError("The image could not be downloaded.");
      }
      const stored = { id: image.id, sha256: image.sha256, contentType: image.contentType };
      let v: VariantFile;
      try {
        v = await store.variant(stored, req.size, req.webp);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
        // The cache was emptied under us: fetch the image again.
        await deps.sql.begin(async (tx) => {
          await createImageRepo(tx).markPending(image.id, {
            mtime: image.sourceMtime,
            size: image.sourceSize,
          });
          await enqueue(tx, image.id);
        });
        throw new NotFoundError("The image is not downloaded yet.", { cause: e });
      }
      const format = v.format === "original" ? image.contentType.split("/")[1] : v.format;
      const etag = `"${image.sha256.slice(0, 32)}-${req.size}-${format}"`;
      return { ...v, root: store.root, etag };
    },
  };
}
