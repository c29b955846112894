/**
 * A fake Typesense for tests: a local HTTP server on 127.0.0.1 speaking
 * Typesense's HTTP API for the calls lib/search/typesense_client.ts makes,
 * with the response shapes of Typesense's documentation: `GET /health`,
 * `POST|GET /collections`, `GET|DELETE /collections/{name}`, `PUT|GET
 * /aliases/{name}`, `POST /collections/{c}/documents/import` (JSONL in, one
 * `{"success": ...}` line per document out), `POST /collections/{c}/documents`
 * (`action=upsert`), `DELETE /collections/{c}/documents` (`filter_by`) and
 * `/{id}`, `GET /collections/{c}/documents/search`, `POST /multi_search`.
 * Collection paths resolve aliases as Typesense does. It checks the
 * `X-TYPESENSE-API-KEY` header, and it really searches (typos, prefixes,
 * facets, filters, sorts: tests/fakes/typesense_search.ts). `down(true)`
 * makes it answer 503 as a Typesense that is not ready does; `close()` stops
 * it (connections refused).
 *
 * ```ts
 * const ts = await startFakeTypesense(); // key "fake-typesense-key"
 * // REVENGE_TYPESENSE_URL=ts.url, REVENGE_TYPESENSE_API_KEY=ts.apiKey
 * ```
 */
import {
  type Doc,
  facetCounts,
  highlightsOf,
  type Params,
  parseFilter,
  parseSort,
  textMatch,
} from "./typesense_search.ts";

interface Collection {
  name: string;
  fields: { name: string; type: string; facet?: boolean; optional?: boolean }[];
  docs: Map<string, Doc>;
  created_at: number;
}

/** The running fake. */
export interface FakeTypesense {
  url: string;
  apiKey: string;
  /** While true every request answers 503. */
  down(on: boolean): void;
  /** Requests served, by `METHOD path`. */
  requests: string[];
  collections(): string[];
  aliases(): Record<string, string>;
  close(): Promise<void>;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}
const notFound = () => json({ message: "Not Found" }, 404);

/** Starts the fake. */
export function startFakeTypesense(o: { apiKey?: string } = {}): Promise<FakeTypesense> {
  const apiKey = o.apiKey ?? "fake-typesense-key";
  const collections = new Map<string, Collection>();
  const aliases = new Map<string, string>();
  const requests: string[] = [];
  let isDown = false;

  const resolve = (name: string) => collections.get(aliases.get(name) ?? name);

  function validate(c: Collection, d: Doc): string | null {
    if (typeof d.id !== "string" || !d.id) return "Document's `id` field should be a string.";
    for (const f of c.fields) {
      if (!(f.name in d) || d[f.name] === null) {
        if (!f.optional) {
          return `Field \`${f.name}\` has been declared in the schema, but is not found in the document.`;
        }
        continue;
      }
      const v = d[f.name];
      const ok = f.type === "string"
        ? typeof v === "string"
        : f.type === "string[]"
        ? Array.isArray(v) && v.every((x) => typeof x === "string")
        : f.type === "bool"
        ? typeof v === "boolean"
        : ["int32", "int64", "float"].includes(f.type)
        ? typeof v === "number"
        : true;
      if (!ok) {
        return `Field \`${f.name}\` must be ${
          f.type === "string[]" ? "an array of strings" : `a ${f.type}`
        }.`;
      }
    }
    return null;
  }

  function search(c: Collection, p: Params) {
    const start = performance.now();
    const filter = parseFilter(p.filter_by ?? "");
    const q = p.q ?? "*";
    const score = new Map<Doc, number>();
    const matched: Doc[] = [];
    for (const d of c.docs.values()) {
      if (!filter(d)) continue;
      const s = q === "*" ? 0 : textMatch(d, q, p);
      if (q !== "*" && s === 0) continue;
      score.set(d, s);
      matched.push(d);
    }
    matched.sort(parseSort(p.sort_by || (q === "*" ? "" : "_text_match:desc"), score));
    const perPage = Number(p.limit ?? p.per_page ?? 10);
    const offset = Number(p.offset ?? (Number(p.page ?? 1) - 1) * perPage);
    const include = p.include_fields?.split(",").map((f) => f.trim());
    const queryBy = (p.query_by ?? "").split(",").map((f) => f.trim());
    return {
      facet_counts: p.facet_by
        ? facetCounts(matched, p.facet_by, Number(p.max_facet_values ?? 10))
        : [],
      found: matched.length,
      hits: matched.slice(offset, offset + perPage).map((d) => ({
        document: include
          ? Object.fromEntries(include.filter((f) => f in d).map((f) => [f, d[f]]))
          : d,
        highlight: {},
        highlights: q === "*" ? [] : highlightsOf(d, q, queryBy),
        text_match: score.get(d) ?? 0,
      })),
      out_of: c.docs.size,
      page: Math.floor(offset / Math.max(perPage, 1)) + 1,
      request_params: { collection_name: c.name, per_page: perPage, q },
      search_cutoff: false,
      search_time_ms: Math.round(performance.now() - start),
    };
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    requests.push(`${req.method} ${path}`);
    if (isDown) return json({ message: "Not Ready or Lagging" }, 503);
    if (path === "/health") return json({ ok: true });
    if (req.headers.get("x-typesense-api-key") !== apiKey) {
      return json(
        { message: "Forbidden - a valid `x-typesense-api-key` header must be sent." },
        401,
      );
    }
    const params = Object.fromEntries(url.searchParams) as Params;
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    if (parts[0] === "collections" && parts.length === 1) {
      if (req.method === "GET") {
        return json(
          [...collections.values()].map((c) => ({
            name: c.name,
            num_documents: c.docs.size,
            fields: c.fields,
          })),
        );
      }
      if (req.method === "POST") {
        const schema = await req.json();
        if (collections.has(schema.name)) {
          return json(
            { message: `A collection with name \`${schema.name}\` already exists.` },
            409,
          );
        }
        const c: Collection = {
          name: schema.name,
          fields: schema.fields,
          docs: new Map(),
          created_at: Math.floor(Date.now() / 1000),
        };
        collections.set(c.name, c);
        return json({ ...schema, num_documents: 0, created_at: c.created_at }, 201);
      }
    }
    if (parts[0] === "collections" && parts.length >= 2) {
      const c = resolve(parts[1]);
      if (!c) return notFound();
      if (parts.length === 2) {
        const info = {
          name: c.name,
          num_documents: c.docs.size,
          fields: c.fields,
          created_at: c.created_at,
        };
        if (req.method === "GET") return json(info);
        if (req.method === "DELETE") {
          collections.delete(c.name);
          return json(info);
        }
      }
      if (parts[2] === "documents") {
        if (parts[3] === "import" && req.method === "POST") {
          const lines = (await req.text()).split("\n").filter((l) => l.trim());
          const out = lines.map((line) => {
            let d: Doc;
            try {
              d = JSON.parse(line);
            } catch {
              return { success: false, error: "Bad JSON.", document: line };
            }
            const error = validate(c, d);
            if (error) return { success: false, error, document: line };
            if (params.action === "create" && c.docs.has(String(d.id))) {
              return {
                success: false,
                code: 409,
                error: "A document with id already exists.",
                document: line,
              };
            }
            c.docs.set(String(d.id), d);
            return { success: true };
          });
          return new Response(out.map((x) => JSON.stringify(x)).join("\n"), {
            headers: { "content-type": "text/plain; charset=utf-8" },
          });
        }
        if (parts[3] === "search" && req.method === "GET") {
          try {
            return json(search(c, params));
          } catch (e) {
            return json({ message: (e as Error).message }, 400);
          }
        }
        if (parts.length === 3 && req.method === "POST") {
          const d = await req.json();
          const error = validate(c, d);
          if (error) return json({ message: error }, 400);
          c.docs.set(String(d.id), d);
          return json(d, 201);
        }
        if (parts.length === 3 && req.method === "DELETE") {
          const keep = parseFilter(params.filter_by ?? "");
          let n = 0;
          for (const [id, d] of c.docs) if (keep(d)) (c.docs.delete(id), n++);
          return json({ num_deleted: n });
        }
        if (parts.length === 4 && req.method === "DELETE") {
          const d = c.docs.get(parts[3]);
          if (!d) return json({ message: `Could not find a document with id: ${parts[3]}` }, 404);
          c.docs.delete(parts[3]);
          return json(d);
        }
      }
    }
    if (parts[0] === "aliases" && parts.length === 2) {
      if (req.method === "PUT") {
        const { collection_name } = await req.json();
        if (!collections.has(collection_name)) {
          return json({ message: "Collection not found" }, 404);
        }
        aliases.set(parts[1], collection_name);
        return json({ name: parts[1], collection_name });
      }
      const target = aliases.get(parts[1]);
      if (req.method === "GET") {
        return target ? json({ name: parts[1], collection_name: target }) : notFound();
      }
    }
    if (path === "/multi_search" && req.method === "POST") {
      const body = await req.json();
      const results = (body.searches as (Params & { collection: string })[]).map((s) => {
        const common = Object.fromEntries(url.searchParams) as Params;
        const p = {
          ...common,
          ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k, String(v)])),
        } as Params;
        const c = resolve(p.collection);
        if (!c) return { code: 404, error: `Not found.` };
        try {
          return search(c, p);
        } catch (e) {
          return { code: 400, error: (e as Error).message };
        }
      });
      return json({ results });
    }
    return notFound();
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle);
  const addr = server.addr as Deno.NetAddr;
  return Promise.resolve({
    url: `http://127.0.0.1:${addr.port}`,
    apiKey,
    requests,
    down: (on) => (isDown = on),
    collections: () => [...collections.keys()],
    aliases: () => Object.fromEntries(aliases),
    close: () => server.shutdown(),
  });
}
