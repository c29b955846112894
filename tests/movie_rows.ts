/**
 * Rows for the movies tests, inserted with SQL as the scanner and the
 * metadata issue would leave them: libraries, films, files with media info,
 * external subtitles, genres, people and credits, collections. Each helper
 * takes only what a test cares about and fills the rest plausibly.
 */
import type { Sql } from "../lib/db/client.ts";
import type { HdrType, MediaInfo } from "../lib/model/media_info.ts";

/** Fields of a film a test may set. */
export interface FilmFields {
  title: string;
  sortTitle?: string;
  originalTitle?: string;
  year?: number;
  rating?: number;
  runtimeMinutes?: number;
  collectionId?: string;
  addedAt?: Date;
  tmdbId?: number;
  overview?: string;
}

/** Fields of a file a test may set. */
export interface FileFields {
  path?: string;
  size?: number;
  durationMs?: number | null;
  resolution?: string | null;
  hdr?: string | null;
  probeState?: "pending" | "ready" | "failed";
  probeError?: string;
  missing?: boolean;
  part?: number;
  /** Default: media info made from the other fields when the file is ready. */
  media?: MediaInfo | null;
}

/** Media info as the probe would store it. */
export function mediaInfo(
  o: { durationMs?: number | null; width?: number; height?: number; hdr?: string | null } = {},
): MediaInfo {
  const width = o.width ?? 1920;
  const height = o.height ?? 1080;
  return {
    container: "matroska",
    durationMs: o.durationMs ?? null,
    sizeBytes: 1_000_000,
    bitrate: 8_000_000,
    video: {
      index: 0,
      codec: "hevc",
      profile: "Main 10",
      level: 153,
      width,
      height,
      frameRate: 23.976,
      bitDepth: 10,
      pixelFormat: "yuv420p10le",
      colorPrimaries: "bt2020",
      colorTransfer: "smpte2084",
      colorSpace: "bt2020nc",
      hdr: (o.hdr ?? null) as HdrType | null,
      bitrate: 7_000_000,
    },
    audio: [
      {
        index: 1,
        codec: "eac3",
        profile: null,
        channels: 6,
        channelLayout: "5.1(side)",
        sampleRate: 48_000,
        bitrate: 640_000,
        language: "eng",
        title: "Surround",
        default: true,
        forced: false,
      },
      {
        index: 2,
        codec: "aac",
        profile: "LC",
        channels: 2,
        channelLayout: "stereo",
        sampleRate: 48_000,
        bitrate: 128_000,
        language: "fra",
        title: null,
        default: false,
        forced: false,
      },
    ],
    subtitles: [{
      index: 3,
      codec: "subrip",
      language: "eng",
      title: null,
      default: false,
      forced: false,
      text: true,
    }],
    chapters: [{ startMs: 0, endMs: 60_000, title: "Opening" }],
  };
}

/** Inserts rows on `sql` (the test database's pool). */
export function movieRows(sql: Sql) {
  let n = 0;
  return {
    async library(name: string): Promise<string> {
      const [{ id }] = await sql<{ id: string }[]>`
        insert into libraries (name) values (${name}) returning id`;
      return id;
    },

    async collection(name: string, tmdbId?: number): Promise<string> {
      const [{ id }] = await sql<{ id: string }[]>`
        insert into collections (name, tmdb_id, overview, poster_path)
        values (${name}, ${tmdbId ?? null}, ${`All of ${name}`}, ${`/posters/${name}.jpg`})
        returning id`;
      return id;
    },

    async film(libraryId: string, f: FilmFields): Promise<string> {
      const [{ id }] = await sql<{ id: string }[]>`
        insert into movies (library_id, identity_key, title, original_title, sort_title, year,
          rating, vote_count, runtime_minutes, collection_id, added_at, tmdb_id, overview,
          release_date, match_state)
        values (${libraryId}, ${`title:${f.title.toLowerCase()}:${f.year ?? ""}:${++n}`},
          ${f.title}, ${f.originalTitle ?? null}, ${f.sortTitle ?? f.title.toLowerCase()},
          ${f.year ?? null}, ${f.rating ?? null}, ${f.rating === undefined ? null : 1000},
          ${f.runtimeMinutes ?? null}, ${f.collectionId ?? null}, ${f.addedAt ?? new Date()},
          ${f.tmdbId ?? null}, ${f.overview ?? null},
          ${f.year ? `${f.year}-06-01` : null}, ${f.tmdbId ? "matched" : "unmatched"})
        returning id`;
      return id;
    },

    async file(movieId: string, f: FileFields = {}): Promise<string> {
      const state = f.probeState ?? "ready";
      const media = f.media !== undefined ? f.media : state === "ready"
        ? mediaInfo({
          durationMs: f.durationMs,
          hdr: f.hdr,
          ...(f.resolution === "2160p" ? { width: 3840, height: 2160 } : {}),
        })
        : null;
      const [{ id }] = await sql<{ id: string }[]>`
        insert into movie_files (movie_id, library_id, path, size, part, parsed, probe_state,
          probe_error, probed_at, media, container, duration_ms, bitrate, video_codec, width,
          height, resolution, hdr, missing_since)
        select m.id, m.library_id, ${f.path ?? `/films/${movieId}/${++n}.mkv`},
          ${f.size ?? 1_000_000}, ${f.part ?? null},
          ${sql.json({ resolution: f.resolution ?? null, source: "bluray" })}, ${state},
          ${f.probeError ?? null}, ${state === "pending" ? null : new Date()},
          ${media ? sql.json(JSON.parse(JSON.stringify(media))) : null},
          ${media?.container ?? null}, ${f.durationMs ?? null}, ${media?.bitrate ?? null},
          ${media?.video?.codec ?? null}, ${media?.video?.width ?? null},
          ${media?.video?.height ?? null}, ${f.resolution ?? null}, ${f.hdr ?? null},
          ${f.missing ? new Date() : null}
        from movies m where m.id = ${movieId}
        returning id`;
      return id;
    },

    async subtitle(
      movieId: string,
      s: { language: string; format?: string; forced?: boolean; missing?: boolean },
    ): Promise<string> {
      const [{ id }] = await sql<{ id: string }[]>`
        insert into movie_subtitles (movie_id, library_id, path, format, language, forced,
          missing_since)
        select m.id, m.library_id, ${`/films/${movieId}/film.${s.language}.${++n}.srt`},
          ${s.format ?? "srt"}, ${s.language}, ${s.forced ?? false},
          ${s.missing ? new Date() : null}
        from movies m where m.id = ${movieId}
        returning id`;
      return id;
    },

    async genres(movieId: string, ...genres: string[]): Promise<void> {
      for (const genre of genres) {
        await sql`insert into movie_genres (movie_id, genre) values (${movieId}, ${genre})`;
      }
    },

    /** A credit of a new person; returns the person's id. */
    async credit(
      movieId: string,
      c: {
        name: string;
        kind: "cast" | "crew";
        position: number;
        character?: string;
        department?: string;
        job?: string;
      },
    ): Promise<string> {
      const [{ id }] = await sql<{ id: string }[]>`
        insert into people (name, profile_path) values (${c.name}, ${`/people/${++n}.jpg`})
        returning id`;
      await sql`
        insert into movie_credits (movie_id, person_id, kind, character, department, job, position)
        values (${movieId}, ${id}, ${c.kind}, ${c.character ?? null}, ${c.department ?? null},
          ${c.job ?? null}, ${c.position})`;
      return id;
    },
  };
}
