/**
 * A fake Radarr on 127.0.0.1 speaking the parts of API v3 Revenge calls
 * (`X-Api-Key` or `?apikey=`; 401 otherwise, as Radarr answers), and the
 * webhook payloads Radarr sends, with the shapes of Radarr's own classes
 * (src/NzbDrone.Core/Notifications/Webhook/: WebhookPayload, WebhookGrabPayload,
 * WebhookImportPayload (eventType "Download"), WebhookRenamePayload,
 * WebhookAddedPayload, WebhookMovieDeletePayload,
 * WebhookMovieFileDeletePayload, WebhookHealthPayload, and the Test event;
 * WebhookMovie, WebhookMovieFile, WebhookRenamedMovieFile, WebhookRelease,
 * WebhookRemoteMovie, WebhookMovieFileMediaInfo, WebhookImage), camelCase as
 * Radarr's JSON serializer writes them (Newtonsoft, camelCase names, enums
 * camelCase except eventType, nulls left out). Checked field by field against
 * Radarr's source at commit 1b9662d5 (2025-11-14), WebhookBase.cs: `movie` is
 * built without its file path in every event; a Download's movieFile carries
 * `sourcePath` and its deletedFiles `recycleBinPath`.
 */

/** One film of the fake's dataset. */
export interface FakeRadarrFilm {
  id: number;
  title: string;
  year: number;
  tmdbId: number;
  imdbId?: string;
  /** Radarr's folder of the film, e.g. `/movies/Heat (1995)`. */
  path: string;
  /** The file's name inside `path`; absent: the film has no file yet. */
  fileName?: string;
  fileId?: number;
  size?: number;
  /** Radarr's mediaInfo.resolution, e.g. `1920x1080`. */
  resolution?: string;
  videoCodec?: string;
  runTime?: string;
}

/** Options. */
export interface FakeRadarrOptions {
  apiKey?: string;
  films?: FakeRadarrFilm[];
  version?: string;
}

/** One request the fake received. */
export interface FakeRadarrRequest {
  method: string;
  path: string;
  status: number;
}

/** A running fake. */
export interface FakeRadarr {
  url: string;
  apiKey: string;
  films: Map<number, FakeRadarrFilm>;
  requests: FakeRadarrRequest[];
  /** Answers the next `times` API requests with `status` (default 503). */
  failNext(times: number, status?: number): void;
  close(): Promise<void>;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** The mediaInfo Radarr reports for a film's file (MovieFileResource.MediaInfo). */
function mediaInfo(f: FakeRadarrFilm) {
  return {
    audioBitrate: 640000,
    audioChannels: 5.1,
    audioCodec: "EAC3",
    audioLanguages: "eng",
    audioStreamCount: 1,
    videoBitDepth: 8,
    videoBitrate: 8000000,
    videoCodec: f.videoCodec ?? "x264",
    videoDynamicRangeType: "",
    videoFps: 23.976,
    resolution: f.resolution ?? "1920x1080",
    runTime: f.runTime ?? "1:50:12",
    scanType: "Progressive",
    subtitles: "eng",
  };
}

/** The movieFile of a film (API v3 MovieFileResource). */
export function movieFileResource(f: FakeRadarrFilm) {
  if (!f.fileName) return null;
  return {
    id: f.fileId ?? f.id,
    movieId: f.id,
    relativePath: f.fileName,
    path: `${f.path}/${f.fileName}`,
    size: f.size ?? 1_500_000_000,
    dateAdded: "2026-01-01T12:00:00Z",
    edition: "",
    languages: [{ id: 1, name: "English" }],
    quality: {
      quality: { id: 7, name: "Bluray-1080p", source: "bluray", resolution: 1080 },
      revision: { version: 1, real: 0, isRepack: false },
    },
    mediaInfo: mediaInfo(f),
    qualityCutoffNotMet: false,
  };
}

/** A film as `/api/v3/movie` lists it (MovieResource). */
export function movieResource(f: FakeRadarrFilm) {
  const file = movieFileResource(f);
  return {
    id: f.id,
    title: f.title,
    originalTitle: f.title,
    sortTitle: f.title.toLowerCase(),
    sizeOnDisk: file?.size ?? 0,
    status: "released",
    year: f.year,
    path: f.path,
    folderName: f.path,
    rootFolderPath: f.path.slice(0, f.path.lastIndexOf("/")) || "/",
    qualityProfileId: 1,
    monitored: true,
    minimumAvailability: "released",
    isAvailable: true,
    runtime: 110,
    tmdbId: f.tmdbId,
    imdbId: f.imdbId ?? `tt${String(f.tmdbId).padStart(7, "0")}`,
    titleSlug: String(f.tmdbId),
    genres: ["Drama"],
    tags: [],
    added: "2026-01-01T00:00:00Z",
    hasFile: Boolean(file),
    ...(file ? { movieFile: file } : {}),
  };
}

/** Starts the fake on a free port of 127.0.0.1. */
export function startFakeRadarr(opts: FakeRadarrOptions = {}): Promise<FakeRadarr> {
  const apiKey = opts.apiKey ?? "fake-radarr-key";
  const films = new Map((opts.films ?? []).map((f) => [f.id, f]));
  const requests: FakeRadarrRequest[] = [];
  let failures = 0;
  let failStatus = 503;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    const answer = (r: Response) => {
      requests.push({ method: req.method, path: url.pathname + url.search, status: r.status });
      return r;
    };
    if (req.headers.get("x-api-key") !== apiKey && url.searchParams.get("apikey") !== apiKey) {
      return answer(json({ message: "Unauthorized" }, 401));
    }
    if (failures > 0) {
      failures--;
      return answer(json({ message: "Internal Server Error" }, failStatus));
    }
    const p = url.pathname;
    if (req.method === "GET" && p === "/api/v3/system/status") {
      return answer(json({
        appName: "Radarr",
        instanceName: "Radarr",
        version: opts.version ?? "5.14.0.9383",
        isDebug: false,
        isProduction: true,
        urlBase: "",
        runtimeVersion: "8.0.10",
        databaseType: "sqLite",
      }));
    }
    if (req.method === "GET" && p === "/api/v3/movie") {
      return answer(json([...films.values()].map(movieResource)));
    }
    const one = p.match(/^\/api\/v3\/movie\/(\d+)$/);
    if (req.method === "GET" && one) {
      const f = films.get(Number(one[1]));
      return answer(f ? json(movieResource(f)) : json({ message: "NotFound" }, 404));
    }
    if (req.method === "GET" && p === "/api/v3/moviefile") {
      const f = films.get(Number(url.searchParams.get("movieId")));
      const file = f && movieFileResource(f);
      return answer(json(file ? [file] : []));
    }
    if (req.method === "GET" && p === "/api/v3/qualityprofile") {
      return answer(json([
        { id: 1, name: "Any", upgradeAllowed: true, cutoff: 20, items: [] },
        { id: 4, name: "HD-1080p", upgradeAllowed: true, cutoff: 7, items: [] },
        { id: 5, name: "Ultra-HD", upgradeAllowed: true, cutoff: 19, items: [] },
      ]));
    }
    if (req.method === "GET" && p === "/api/v3/rootfolder") {
      return answer(json([{
        id: 1,
        path: "/movies",
        accessible: true,
        freeSpace: 1_000_000_000_000,
        unmappedFolders: [],
      }]));
    }
    if (req.method === "POST" && p === "/api/v3/command") {
      return answer(json({ id: 1, name: "RefreshMovie", status: "queued" }, 201));
    }
    return answer(json({ message: "NotFound" }, 404));
  });
  const port = server.addr.port;
  return Promise.resolve({
    url: `http://127.0.0.1:${port}`,
    apiKey,
    films,
    requests,
    failNext(times, status = 503) {
      failures = times;
      failStatus = status;
    },
    close: () => server.shutdown(),
  });
}

/** WebhookMovie of a film. */
function webhookMovie(f: FakeRadarrFilm) {
  return {
    id: f.id,
    title: f.title,
    year: f.year,
    releaseDate: `${f.year}-06-01`,
    folderPath: f.path,
    tmdbId: f.tmdbId,
    imdbId: f.imdbId ?? `tt${String(f.tmdbId).padStart(7, "0")}`,
    overview: `${f.title}, a film.`,
    genres: ["Drama"],
    images: [{
      coverType: "poster",
      url: `/MediaCover/${f.id}/poster.jpg`,
      remoteUrl: `https://image.tmdb.org/t/p/original/poster${f.id}.jpg`,
    }],
    tags: [],
    originalLanguage: { id: 1, name: "English" },
  };
}

/** WebhookMovieFile of a film's file. */
function webhookMovieFile(f: FakeRadarrFilm, fileName = f.fileName!) {
  return {
    id: f.fileId ?? f.id,
    relativePath: fileName,
    path: `${f.path}/${fileName}`,
    quality: "Bluray-1080p",
    qualityVersion: 1,
    releaseGroup: "GRP",
    sceneName: fileName.replace(/\.[^.]+$/, ""),
    indexerFlags: "0",
    size: f.size ?? 1_500_000_000,
    dateAdded: "2026-01-01T12:00:00Z",
    languages: [{ id: 1, name: "English" }],
    mediaInfo: {
      audioChannels: 5.1,
      audioCodec: "EAC3",
      audioLanguages: ["eng"],
      height: 1080,
      width: 1920,
      subtitles: ["eng"],
      videoCodec: f.videoCodec ?? "x264",
      videoDynamicRange: "",
      videoDynamicRangeType: "",
    },
  };
}

const base = { instanceName: "Radarr", applicationUrl: "" };
const remoteMovie = (f: FakeRadarrFilm) => ({
  tmdbId: f.tmdbId,
  imdbId: f.imdbId ?? `tt${String(f.tmdbId).padStart(7, "0")}`,
  title: f.title,
  year: f.year,
});
const release = (f: FakeRadarrFilm) => ({
  quality: "Bluray-1080p",
  qualityVersion: 1,
  releaseGroup: "GRP",
  releaseTitle: `${f.title.replace(/ /g, ".")}.${f.year}.1080p.BluRay.x264-GRP`,
  indexer: "Indexer",
  size: f.size ?? 1_500_000_000,
  customFormatScore: 0,
  customFormats: [],
  languages: [{ id: 1, name: "English" }],
  indexerFlags: [],
});

/** Radarr's webhook payloads, built from a film of the dataset. */
export const radarrPayloads = {
  test: () => ({
    ...base,
    eventType: "Test",
    movie: {
      id: 1,
      title: "Test Title",
      year: 1970,
      releaseDate: "1970-01-01",
      folderPath: "C:\\testpath",
      tmdbId: 0,
      tags: ["test-tag"],
    },
    remoteMovie: { tmdbId: 1234, imdbId: "5678", title: "Test title", year: 1970 },
    release: {
      quality: "Test Quality",
      qualityVersion: 1,
      releaseGroup: "Test Group",
      releaseTitle: "Test Title",
      indexer: "Test Indexer",
      size: 9999999,
      customFormatScore: 0,
    },
  }),
  grab: (f: FakeRadarrFilm) => ({
    ...base,
    eventType: "Grab",
    movie: webhookMovie(f),
    remoteMovie: remoteMovie(f),
    release: release(f),
    downloadClient: "SABnzbd",
    downloadClientType: "SABnzbd",
    downloadId: `SABnzbd_nzo_${f.id}`,
    customFormatInfo: { customFormats: [], customFormatScore: 0 },
  }),
  download: (f: FakeRadarrFilm, o: { isUpgrade?: boolean; deletedFiles?: string[] } = {}) => ({
    ...base,
    eventType: "Download",
    movie: webhookMovie(f),
    remoteMovie: remoteMovie(f),
    movieFile: { ...webhookMovieFile(f), sourcePath: `/downloads/complete/${f.fileName}` },
    isUpgrade: o.isUpgrade ?? false,
    downloadClient: "SABnzbd",
    downloadClientType: "SABnzbd",
    downloadId: `SABnzbd_nzo_${f.id}`,
    ...(o.deletedFiles
      ? {
        deletedFiles: o.deletedFiles.map((n, i) => ({
          ...webhookMovieFile(f, n),
          id: 9000 + i,
          recycleBinPath: `/recycle/${n}`,
        })),
      }
      : {}),
    customFormatInfo: { customFormats: [], customFormatScore: 0 },
    release: release(f),
  }),
  rename: (f: FakeRadarrFilm, previousFileName: string) => ({
    ...base,
    eventType: "Rename",
    movie: webhookMovie(f),
    renamedMovieFiles: [{
      ...webhookMovieFile(f),
      previousRelativePath: previousFileName,
      previousPath: `${f.path}/${previousFileName}`,
    }],
  }),
  movieAdded: (f: FakeRadarrFilm) => ({
    ...base,
    eventType: "MovieAdded",
    movie: webhookMovie(f),
    addMethod: "manual",
  }),
  movieDelete: (f: FakeRadarrFilm, deletedFiles = true) => ({
    ...base,
    eventType: "MovieDelete",
    movie: webhookMovie(f),
    deletedFiles,
    movieFolderSize: f.size ?? 1_500_000_000,
  }),
  movieFileDelete: (f: FakeRadarrFilm, deleteReason = "manual") => ({
    ...base,
    eventType: "MovieFileDelete",
    movie: webhookMovie(f),
    movieFile: webhookMovieFile(f),
    deleteReason,
  }),
  health: () => ({
    ...base,
    eventType: "Health",
    level: "warning",
    message: "Indexers unavailable due to failures for more than 6 hours: Indexer",
    type: "IndexerLongTermStatusCheck",
    wikiUrl: "https://wiki.servarr.com/radarr/system#indexers-are-unavailable-due-to-failures",
  }),
};
