/**
 * Manual collections (`c.var.services.collections`), for holders of
 * `collections:manage`: create, rename, add and remove films, delete. TMDb
 * collections follow TMDb and are refused here (409). A film the caller may
 * not see cannot be added or removed (404, like a missing one), and every
 * change is audited in its transaction.
 */
import type { AuditService } from "../auth/audit_service.ts";
import type { Sql, Tx } from "../db/client.ts";
import { type CollectionRecord, createCollectionRepo } from "../db/collection_repo.ts";
import { createManualCollectionRepo } from "../db/manual_collection_repo.ts";
import { createMetadataRepo } from "../db/metadata_repo.ts";
import type { Viewer } from "../db/movie_repo.ts";
import type { AuditContext } from "../model/account.ts";
import type { Clock } from "../model/clock.ts";
import { ConflictError, NotFoundError } from "../model/errors.ts";

/** What a collection is made with. */
export interface NewCollection {
  name: string;
  overview?: string | null;
}

/** The manual collections service. */
export interface CollectionsService {
  create(v: Viewer, c: NewCollection, ctx: AuditContext): Promise<CollectionRecord>;
  update(
    v: Viewer,
    id: string,
    patch: Partial<NewCollection>,
    ctx: AuditContext,
  ): Promise<CollectionRecord>;
  /** Adds films (after the last one); films already in it stay where they are. */
  addMovies(
    v: Viewer,
    id: string,
    movieIds: string[],
    ctx: AuditContext,
  ): Promise<CollectionRecord>;
  /** The caller's visible films of the collection become exactly `movieIds`, in that order. */
  setMovies(
    v: Viewer,
    id: string,
    movieIds: string[],
    ctx: AuditContext,
  ): Promise<CollectionRecord>;
  removeMovie(v: Viewer, id: string, movieId: string, ctx: AuditContext): Promise<void>;
  delete(v: Viewer, id: string, ctx: AuditContext): Promise<void>;
}

/** Dependencies of {@linkcode createCollectionsService}. */
export interface CollectionsServiceDeps {
  sql: Sql;
  clock: Clock;
  audit: AuditService;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const noCollection = () => new NotFoundError("No such collection.");

/** Creates the service. */
export function createCollectionsService(deps: CollectionsServiceDeps): CollectionsService {
  const { sql, clock, audit } = deps;

  /** The manual collection `id`, locked in `tx`. */
  async function manual(tx: Tx, id: string) {
    const c = UUID.test(id) ? await createManualCollectionRepo(tx).lock(id) : null;
    if (!c) throw noCollection();
    if (c.kind !== "manual") {
      throw new ConflictError("A TMDb collection follows TMDb and cannot be changed here.");
    }
    return c;
  }

  async function visibleFilms(tx: Tx, v: Viewer, ids: string[]) {
    const unique = [...new Set(ids)];
    const seen = await createMetadataRepo(tx).visibleFilms(unique, v.access);
    if (unique.some((m) => !seen.has(m))) throw new NotFoundError("No such movie.");
    return unique;
  }

  /** What the caller sees of it now (a manual collection whose films are all hidden: 0 films). */
  async function view(v: Viewer, id: string): Promise<CollectionRecord> {
    const c = await createCollectionRepo(sql).get(v, id);
    if (c) return c;
    const head = await createManualCollectionRepo(sql).find(id);
    if (!head) throw noCollection();
    return {
      id,
      name: head.name,
      overview: head.overview,
      posterPath: null,
      backdropPath: null,
      tmdbId: null,
      kind: head.kind,
      movieCount: 0,
    };
  }

  function change(
    v: Viewer,
    id: string,
    ctx: AuditContext,
    fn: (tx: Tx) => Promise<Record<string, unknown>>,
  ) {
    return sql.begin(async (tx) => {
      await manual(tx, id);
      const details = await fn(tx);
      await audit.record(tx, ctx, {
        action: "collection.movies.changed",
        targetType: "collection",
        targetId: id,
        details,
      });
    }).then(() => view(v, id));
  }

  return {
    async create(v, c, ctx) {
      const id = await sql.begin(async (tx) => {
        const id = await createManualCollectionRepo(tx).insert({
          name: c.name.trim(),
          overview: c.overview ?? null,
          createdBy: v.userId,
        }, clock.now());
        await audit.record(tx, ctx, {
          action: "collection.created",
          targetType: "collection",
          targetId: id,
          details: { name: c.name.trim() },
        });
        return id;
      });
      return view(v, id);
    },

    async update(v, id, patch, ctx) {
      await sql.begin(async (tx) => {
        const before = await manual(tx, id);
        const name = patch.name?.trim();
        await createManualCollectionRepo(tx).update(
          id,
          { name, overview: patch.overview },
          clock.now(),
        );
        await audit.record(tx, ctx, {
          action: "collection.updated",
          targetType: "collection",
          targetId: id,
          details: {
            ...(name ? { name, previousName: before.name } : {}),
            ...("overview" in patch ? { overview: true } : {}),
          },
        });
      });
      return view(v, id);
    },

    addMovies: (v, id, movieIds, ctx) =>
      change(v, id, ctx, async (tx) => {
        const ids = await visibleFilms(tx, v, movieIds);
        await createManualCollectionRepo(tx).add(id, ids, clock.now());
        return { added: ids };
      }),

    setMovies: (v, id, movieIds, ctx) =>
      change(v, id, ctx, async (tx) => {
        const ids = await visibleFilms(tx, v, movieIds);
        const meta = createMetadataRepo(tx);
        await createManualCollectionRepo(tx).replace(
          id,
          ids,
          (current) => meta.visibleFilms(current, v.access),
          clock.now(),
        );
        return { set: ids };
      }),

    async removeMovie(v, id, movieId, ctx) {
      await sql.begin(async (tx) => {
        await manual(tx, id);
        if (!UUID.test(movieId)) throw new NotFoundError("No such movie.");
        await visibleFilms(tx, v, [movieId]);
        if (!await createManualCollectionRepo(tx).remove(id, movieId, clock.now())) {
          throw new NotFoundError("The film is not in this collection.");
        }
        await audit.record(tx, ctx, {
          action: "collection.movies.changed",
          targetType: "collection",
          targetId: id,
          details: { removed: [movieId] },
        });
      });
    },

    async delete(_v, id, ctx) {
      await sql.begin(async (tx) => {
        const c = await manual(tx, id);
        await createManualCollectionRepo(tx).delete(id);
        await audit.record(tx, ctx, {
          action: "collection.deleted",
          targetType: "collection",
          targetId: id,
          details: { name: c.name },
        });
      });
    },
  };
}
