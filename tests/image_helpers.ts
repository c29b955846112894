/**
 * What the artwork tests share: a Revenge whose TMDb image base is a local
 * server, an image service on the test database to make images known (as
 * the metadata jobs do, in a transaction), and requests to the image route
 * that read the body as bytes.
 */
import { createImageRepo, type ImageRecord, type ImageRepo } from "../lib/db/image_repo.ts";
import { createImageService, type ImageService } from "../lib/metadata/image_service.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { setupAdmin } from "./auth_helpers.ts";
import { startTestApp, type TestApp } from "./harness.ts";
import { waitFor } from "./wait_for.ts";

/** A running app for artwork tests. */
export interface ImageApp {
  app: TestApp;
  admin: { token: string; id: string };
  images: ImageService;
  repo: ImageRepo;
}

/**
 * Starts Revenge with `imageUrl` as its TMDb image base (the setting; or,
 * with `api`, what that TMDb's `/configuration` answers), and sets up an admin.
 */
export async function startImageApp(
  imageUrl: string,
  api?: { url: string; token: string },
): Promise<ImageApp> {
  const env: Record<string, string> = api
    ? { REVENGE_TMDB_API_URL: api.url, REVENGE_TMDB_TOKEN: api.token }
    : { REVENGE_TMDB_IMAGE_URL: imageUrl };
  const app = await startTestApp({ env });
  const admin = await setupAdmin(app);
  const images = createImageService({
    sql: app.db.sql,
    dataDir: app.dataDir,
    tmdb: { imageBaseUrl: () => Promise.resolve(imageUrl) },
    logger: createLogger({ level: "silent" }),
  });
  return { app, admin, images, repo: createImageRepo(app.db.sql) };
}

/** Waits until the image is no longer pending; answers its row. */
export async function settled(
  repo: ImageRepo,
  id: string,
  timeoutMs = 30_000,
): Promise<ImageRecord> {
  let last: ImageRecord | null = null;
  return await waitFor(async () => {
    last = await repo.get(id);
    return last && last.state !== "pending" ? last : null;
  }, { message: () => `image ${id} to settle (last: ${JSON.stringify(last)})`, timeoutMs });
}

/** A response of the image route, its body read as bytes. */
export interface ImageReply {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  /** The body as JSON, for problem answers; null otherwise. */
  // deno-lint-ignore no-explicit-any
  json: any;
}

/** GETs (or HEADs) `path` with a Bearer token and optional headers. */
export async function getImage(
  app: TestApp,
  path: string,
  o: { token?: string; accept?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<ImageReply> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.accept) headers.accept = o.accept;
  const res = await app.fetch(path, { method: o.method ?? "GET", headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  let json = null;
  if ((res.headers.get("content-type") ?? "").includes("json")) {
    json = JSON.parse(new TextDecoder().decode(bytes));
  }
  return { status: res.status, headers: res.headers, bytes, json };
}

/** Hex sha256 of `bytes`. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Makes a known image the `kind` image of a film, collection or person, in one transaction. */
export async function giveImage(
  ia: ImageApp,
  owner: "movie" | "collection" | "person",
  ownerId: string,
  kind: "poster" | "backdrop" | "logo" | "profile",
  tmdbPath: string,
): Promise<string> {
  return await ia.app.db.sql.begin(async (tx) => {
    const id = await ia.images.ensureTmdb(tx, tmdbPath);
    await createImageRepo(tx).assign(owner, ownerId, kind, id);
    return id;
  });
}
