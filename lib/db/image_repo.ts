/**
 * SQL of the artwork cache (`images`, migration 0017): one row per source
 * image (a TMDb file path, or a local file's absolute path), and which image
 * a film, a collection or a person shows for a kind (`*_image_id`).
 */
import type { Queryable } from "./client.ts";
import { type LibraryAccess, visibleTo } from "./movie_repo.ts";
import type { ImageKind } from "../model/metadata.ts";

/** Where an image comes from. */
export type ImageSource = "tmdb" | "local";

/** An image's download state. */
export type ImageState = "pending" | "ready" | "failed";

/** One row of `images`. */
export interface ImageRecord {
  id: string;
  source: ImageSource;
  /** A TMDb file path (`/kqjL17yufvn9OVLyXYpvtyrFfak.jpg`) or a local absolute path. */
  sourcePath: string;
  state: ImageState;
  width: number | null;
  height: number | null;
  /** image/jpeg, image/png, image/webp, image/svg+xml (of the original). */
  contentType: string | null;
  /** sha256 of the original bytes, hex. */
  sha256: string | null;
  blurhash: string | null;
  error: string | null;
  sourceMtime: Date | null;
  sourceSize: number | null;
  fetchedAt: Date | null;
}

/** What an `ensure` found or made. */
export interface EnsuredImage {
  id: string;
  state: ImageState;
  /** A failed image may be tried again from this time on (null: never). */
  retryAfter: Date | null;
  /** True when this call inserted the row. */
  inserted: boolean;
  sourceMtime: Date | null;
  sourceSize: number | null;
}

/** What a successful download or read recorded. */
export interface ReadyImage {
  width: number;
  height: number;
  contentType: string;
  sha256: string;
  blurhash: string;
  /** For local files: the mtime and size of what was read. */
  sourceMtime?: Date | null;
  sourceSize?: number | null;
}

/** Who shows an image: a film, a collection or a person. */
export type ImageOwner = "movie" | "collection" | "person";

/** The blurhash and version of the images of one owner, by kind (ready ones only). */
export interface OwnerImageInfo {
  kind: ImageKind;
  imageId: string;
  blurhash: string | null;
  width: number | null;
  height: number | null;
  /** The first 12 hex digits of the sha256: a cache-busting `v` for image URLs. */
  version: string;
}

// Which owners have which kinds; the column names come from this fixed table, never from input.
const COLUMNS: Record<ImageOwner, Partial<Record<ImageKind, string>>> = {
  movie: { poster: "poster_image_id", backdrop: "backdrop_image_id", logo: "logo_image_id" },
  collection: { poster: "poster_image_id", backdrop: "backdrop_image_id" },
  person: { profile: "profile_image_id" },
};
const TABLES: Record<ImageOwner, string> = {
  movie: "movies",
  collection: "collections",
  person: "people",
};

/** The column of `owner` that holds its `kind` image, or undefined when it has none of that kind. */
export function imageColumn(owner: ImageOwner, kind: ImageKind): string | undefined {
  return COLUMNS[owner][kind];
}

function columns(db: Queryable) {
  return db`i.id, i.source, i.source_path as "sourcePath", i.state, i.width, i.height,
    i.content_type as "contentType", i.sha256, i.blurhash, i.error,
    i.source_mtime as "sourceMtime", i.source_size::float8 as "sourceSize",
    i.fetched_at as "fetchedAt"`;
}

/** Creates the image repo on a pool or a transaction. */
export function createImageRepo(db: Queryable) {
  return {
    /**
     * The row of (source, sourcePath), inserted as pending if absent; safe
     * when several callers ensure the same image at once.
     */
    async ensure(
      source: ImageSource,
      sourcePath: string,
      stat?: { mtime: Date | null; size: number },
    ): Promise<EnsuredImage> {
      for (;;) {
        // do nothing, not do update: an existing row is not rewritten (no dead tuple per
        // ensure). A concurrent insert of the same key makes ours wait for its commit, then
        // conflict, and the select below (a new snapshot) sees its row.
        const [ins] = await db<EnsuredImage[]>`
          insert into images (source, source_path, source_mtime, source_size)
          values (${source}, ${sourcePath}, ${stat?.mtime ?? null}, ${stat?.size ?? null})
          on conflict (source, source_path) do nothing
          returning id, state, retry_after as "retryAfter", true as inserted,
            source_mtime as "sourceMtime", source_size::float8 as "sourceSize"`;
        if (ins) return ins;
        const [row] = await db<EnsuredImage[]>`
          select id, state, retry_after as "retryAfter", false as inserted,
            source_mtime as "sourceMtime", source_size::float8 as "sourceSize"
          from images where source = ${source} and source_path = ${sourcePath}`;
        // Deleted between the two statements: insert again.
        if (row) return row;
      }
    },

    /** One image, or null. */
    async get(id: string): Promise<ImageRecord | null> {
      const [row] = await db<ImageRecord[]>`select ${columns(db)} from images i where i.id = ${id}`;
      return row ?? null;
    },

    /** Marks an image to be fetched (or read) again: a changed local file, a retry. */
    async markPending(
      id: string,
      stat: { mtime: Date | null; size: number | null },
    ): Promise<void> {
      await db`
        update images set state = 'pending', error = null, retry_after = null,
          source_mtime = ${stat.mtime}, source_size = ${stat.size}
        where id = ${id}`;
    },

    /** Records a downloaded (or read) image. */
    async markReady(id: string, r: ReadyImage, now: Date): Promise<void> {
      await db`
        update images set state = 'ready', width = ${r.width}, height = ${r.height},
          content_type = ${r.contentType}, sha256 = ${r.sha256}, blurhash = ${r.blurhash},
          error = null, retry_after = null, fetched_at = ${now},
          source_mtime = coalesce(${r.sourceMtime ?? null}, source_mtime),
          source_size = coalesce(${r.sourceSize ?? null}, source_size)
        where id = ${id}`;
    },

    /**
     * Records why an image could not be had (shown to admins). With
     * `retryAfter`, the next ensure from that time on tries again; without,
     * it is never tried again.
     */
    async markFailed(id: string, error: string, now: Date, retryAfter?: Date): Promise<void> {
      await db`
        update images set state = 'failed', error = ${error.slice(0, 500)}, fetched_at = ${now},
          retry_after = ${retryAfter ?? null}
        where id = ${id}`;
    },

    /** Makes `imageId` the `kind` image of an owner (null clears it); false when there is none. */
    async assign(
      owner: ImageOwner,
      ownerId: string,
      kind: ImageKind,
      imageId: string | null,
    ): Promise<boolean> {
      const column = imageColumn(owner, kind);
      if (!column) throw new Error(`a ${owner} has no ${kind} image`);
      const rows = await db`
        update ${db(TABLES[owner])} set ${db(column)} = ${imageId}
        where id = ${ownerId}::uuid returning id`;
      return rows.length > 0;
    },

    /**
     * The `kind` image of a film in one of `access`'s libraries; null when
     * the film does not exist, is not visible, or has no such image.
     */
    async ofMovie(
      access: LibraryAccess,
      movieId: string,
      kind: ImageKind,
    ): Promise<ImageRecord | null> {
      const column = imageColumn("movie", kind);
      if (!column) return null;
      const [row] = await db<ImageRecord[]>`
        select ${columns(db)} from movies m join images i on i.id = m.${db(column)}
        where m.id = ${movieId}::uuid and ${visibleTo(db, access)}`;
      return row ?? null;
    },

    /** The `kind` image of a collection or person; null when absent. */
    async ofOwner(
      owner: "collection" | "person",
      ownerId: string,
      kind: ImageKind,
    ): Promise<ImageRecord | null> {
      const column = imageColumn(owner, kind);
      if (!column) return null;
      const [row] = await db<ImageRecord[]>`
        select ${columns(db)} from ${db(TABLES[owner])} o join images i on i.id = o.${db(column)}
        where o.id = ${ownerId}::uuid`;
      return row ?? null;
    },

    /**
     * The ready images of owners, for lists that show blurhash placeholders
     * (the movie API): one query for a page of films.
     */
    async infoOf(owner: ImageOwner, ownerIds: string[]): Promise<Map<string, OwnerImageInfo[]>> {
      const out = new Map<string, OwnerImageInfo[]>();
      if (ownerIds.length === 0) return out;
      const kinds = Object.entries(COLUMNS[owner]) as [ImageKind, string][];
      const owners = await db<({ id: string } & Record<string, string | null>)[]>`
        select id, ${db(kinds.map(([, column]) => column))} from ${db(TABLES[owner])}
        where id = any(${ownerIds}::uuid[])`;
      const wanted = [...new Set(owners.flatMap((o) => kinds.map(([, c]) => o[c])))]
        .filter((id): id is string => id !== null);
      if (wanted.length === 0) return out;
      const images = await db<Omit<OwnerImageInfo, "kind">[]>`
        select id as "imageId", blurhash, width, height, left(sha256, 12) as version
        from images where id = any(${wanted}::uuid[]) and state = 'ready'`;
      const byId = new Map(images.map((i) => [i.imageId, i]));
      for (const o of owners) {
        const list = kinds.flatMap(([kind, column]) => {
          const image = o[column] ? byId.get(o[column]!) : undefined;
          return image ? [{ kind, ...image }] : [];
        });
        if (list.length) out.set(o.id, list);
      }
      return out;
    },
  };
}

/** The image repo. */
export type ImageRepo = ReturnType<typeof createImageRepo>;
