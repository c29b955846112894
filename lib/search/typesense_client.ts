/**
 * A small client for the parts of Typesense's HTTP API the engine uses
 * (collections, aliases, documents import/upsert/delete, search,
 * multi_search, health). Every failure, network or HTTP, is a
 * {@linkcode TypesenseError}; `unreachable` tells an outage (network,
 * timeout, 5xx) from a refusal.
 */

/** A failed Typesense call. */
export class TypesenseError extends Error {
  constructor(message: string, readonly status: number | null, options?: ErrorOptions) {
    super(message, options);
    this.name = "TypesenseError";
  }
  /** Network error, timeout or server error. */
  get unreachable(): boolean {
    return this.status === null || this.status >= 500;
  }
}

/** A collection field. */
export interface TypesenseField {
  name: string;
  type: string;
  facet?: boolean;
  optional?: boolean;
  sort?: boolean;
  infix?: boolean;
  index?: boolean;
}

/** One search's parameters (strings as Typesense takes them). */
export type TypesenseSearch = Record<string, string | number | boolean>;

/** A search answer (the fields we read). */
export interface TypesenseSearchResult {
  found: number;
  out_of?: number;
  page?: number;
  search_time_ms?: number;
  hits?: { document: Record<string, unknown>; text_match?: number }[];
  facet_counts?: { field_name: string; counts: { count: number; value: string }[] }[];
  error?: string;
  code?: number;
}

/** Options of {@linkcode createTypesenseClient}. */
export interface TypesenseClientOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
}

/** Creates the client. */
export function createTypesenseClient(o: TypesenseClientOptions) {
  const base = o.url.replace(/\/+$/, "");
  async function call(
    method: string,
    path: string,
    init: { body?: string; query?: Record<string, string>; contentType?: string } = {},
  ): Promise<Response> {
    const qs = init.query ? "?" + new URLSearchParams(init.query) : "";
    let res: Response;
    try {
      res = await fetch(base + path + qs, {
        method,
        headers: {
          "X-TYPESENSE-API-KEY": o.apiKey,
          ...(init.body !== undefined
            ? { "content-type": init.contentType ?? "application/json" }
            : {}),
        },
        body: init.body,
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (e) {
      throw new TypesenseError(`Typesense is unreachable: ${(e as Error).message}`, null, {
        cause: e,
      });
    }
    return res;
  }
  async function json<T>(
    method: string,
    path: string,
    init: Parameters<typeof call>[2] = {},
  ): Promise<T> {
    const res = await call(method, path, init);
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        message = JSON.parse(text).message ?? message;
      } catch { /* not JSON */ }
      throw new TypesenseError(
        `Typesense ${method} ${path.split("?")[0]}: ${res.status} ${message}`,
        res.status,
      );
    }
    return JSON.parse(text) as T;
  }
  const enc = encodeURIComponent;
  return {
    health: () => json<{ ok: boolean }>("GET", "/health"),
    createCollection: (
      schema: { name: string; fields: TypesenseField[]; token_separators?: string[] },
    ) =>
      json<{ name: string; num_documents: number }>("POST", "/collections", {
        body: JSON.stringify(schema),
      }),
    getCollection: (name: string) =>
      json<{ name: string; num_documents: number }>("GET", `/collections/${enc(name)}`),
    deleteCollection: (name: string) => json<unknown>("DELETE", `/collections/${enc(name)}`),
    listCollections: () => json<{ name: string; num_documents: number }[]>("GET", "/collections"),
    upsertAlias: (alias: string, collection: string) =>
      json<{ name: string; collection_name: string }>("PUT", `/aliases/${enc(alias)}`, {
        body: JSON.stringify({ collection_name: collection }),
      }),
    getAlias: (alias: string) =>
      json<{ name: string; collection_name: string }>("GET", `/aliases/${enc(alias)}`),
    /** JSONL import with action=upsert; throws if any document was refused. */
    async importDocuments(collection: string, docs: Record<string, unknown>[]): Promise<void> {
      if (!docs.length) return;
      const res = await call("POST", `/collections/${enc(collection)}/documents/import`, {
        query: { action: "upsert" },
        body: docs.map((d) => JSON.stringify(d)).join("\n"),
        contentType: "text/plain",
      });
      const text = await res.text();
      if (!res.ok) {
        throw new TypesenseError(
          `Typesense import: ${res.status} ${text.slice(0, 300)}`,
          res.status,
        );
      }
      const failed = text.split("\n").filter(Boolean).map((l) =>
        JSON.parse(l) as { success: boolean; error?: string }
      )
        .filter((r) => !r.success);
      if (failed.length) {
        throw new TypesenseError(
          `Typesense refused ${failed.length} documents: ${failed[0].error}`,
          400,
        );
      }
    },
    upsertDocument: (collection: string, doc: Record<string, unknown>) =>
      json<unknown>("POST", `/collections/${enc(collection)}/documents`, {
        query: { action: "upsert" },
        body: JSON.stringify(doc),
      }),
    /** Deletes documents by id; ids that are not there are fine. */
    async deleteDocuments(collection: string, ids: string[]): Promise<void> {
      if (!ids.length) return;
      await json<{ num_deleted: number }>("DELETE", `/collections/${enc(collection)}/documents`, {
        query: { filter_by: `id:[${ids.join(",")}]` },
      });
    },
    search: (collection: string, params: TypesenseSearch) =>
      json<TypesenseSearchResult>("GET", `/collections/${enc(collection)}/documents/search`, {
        query: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
      }),
    /** Several searches in one request; each result may carry its own error. */
    async multiSearch(searches: (TypesenseSearch & { collection: string })[]) {
      const r = await json<{ results: TypesenseSearchResult[] }>("POST", "/multi_search", {
        body: JSON.stringify({ searches }),
      });
      for (const x of r.results) {
        if (x.error) throw new TypesenseError(`Typesense search: ${x.error}`, x.code ?? 400);
      }
      return r.results;
    },
  };
}

/** The client's type. */
export type TypesenseClient = ReturnType<typeof createTypesenseClient>;
