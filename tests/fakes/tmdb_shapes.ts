/**
 * The fake TMDb's dataset type and how a film of it becomes TMDb's v3
 * answers (lib/metadata/tmdb_types.ts). Fields a film leaves out are filled
 * deterministically: poster `/p{id}.jpg`, backdrop `/b{id}.jpg`, logo
 * `/l{id}.png`, profile `/pr{personId}.jpg`, collection art `/c{id}.jpg` and
 * `/cb{id}.jpg`; every one of them is served as an image.
 */
import type {
  TmdbCastMember,
  TmdbCollectionDetails,
  TmdbCrewMember,
  TmdbImage,
  TmdbMovieDetails,
  TmdbMovieResult,
} from "../../lib/metadata/tmdb_types.ts";
import { imageSize } from "./tmdb_images.ts";

/** One film of the fake's dataset. */
export interface FakeFilm {
  id: number;
  title: string;
  original_title?: string;
  original_language?: string;
  /** YYYY-MM-DD or "". */
  release_date: string;
  popularity: number;
  imdb_id?: string | null;
  overview?: string;
  tagline?: string;
  runtime?: number;
  genres?: string[];
  alternative_titles?: string[];
  collection?: { id: number; name: string };
  cast?: { id: number; name: string; character: string }[];
  crew?: { id: number; name: string; job: string; department: string }[];
  /** US certification. */
  certification?: string;
  vote_average?: number;
  vote_count?: number;
  studios?: string[];
  videos?: { key: string; name: string; type: string }[];
  /** Ids of other films of the dataset. */
  similar?: number[];
}

/** A collection's own fields; members are the films whose `collection.id` is its id. */
export interface FakeCollection {
  id: number;
  name: string;
  overview?: string;
}

/** TMDb's genre ids. */
export const TMDB_GENRES: Record<string, number> = {
  "Action": 28,
  "Adventure": 12,
  "Animation": 16,
  "Comedy": 35,
  "Crime": 80,
  "Documentary": 99,
  "Drama": 18,
  "Family": 10751,
  "Fantasy": 14,
  "History": 36,
  "Horror": 27,
  "Music": 10402,
  "Mystery": 9648,
  "Romance": 10749,
  "Science Fiction": 878,
  "TV Movie": 10770,
  "Thriller": 53,
  "War": 10752,
  "Western": 37,
};

const COUNTRY_OF_LANGUAGE: Record<string, string> = {
  fr: "FR",
  de: "DE",
  ja: "JP",
  ko: "KR",
  es: "ES",
  it: "IT",
  sv: "SE",
  da: "DK",
  zh: "CN",
  ru: "RU",
  pt: "BR",
  hi: "IN",
  cn: "HK",
};

/** A stable small number from a string (studio ids, credit ids). */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) % 100000 + 1;
}

function hex24(...parts: (string | number)[]): string {
  let out = "";
  for (let i = 0; out.length < 24; i++) out += hash(parts.join(":") + i).toString(16);
  return out.slice(0, 24);
}

function genreId(name: string): number {
  return TMDB_GENRES[name] ?? hash(name);
}

function image(file: string, lang: string | null, vote: number): TmdbImage {
  const { width, height } = imageSize(file);
  return {
    file_path: file,
    width,
    height,
    aspect_ratio: Math.round((width / height) * 1000) / 1000,
    iso_639_1: lang,
    vote_average: vote,
    vote_count: Math.round(vote * 3),
  };
}

/** Every image of a film (languages as TMDb tags them). */
export function filmImages(f: FakeFilm): TmdbMovieDetails["images"] {
  const lang = f.original_language ?? "en";
  const posters = [image(`/p${f.id}.jpg`, "en", 5.5)];
  if (lang !== "en") posters.push(image(`/p${f.id}-${lang}.jpg`, lang, 5.3));
  posters.push(image(`/p${f.id}-x.jpg`, null, 5.1));
  return {
    backdrops: [image(`/b${f.id}.jpg`, null, 5.4), image(`/b${f.id}-en.jpg`, "en", 5.2)],
    logos: [image(`/l${f.id}.png`, "en", 5.3)],
    posters,
  };
}

/** Every image file path a film, its people and its collection use. */
export function filmImagePaths(f: FakeFilm): string[] {
  const imgs = filmImages(f);
  const paths = [...imgs.backdrops, ...imgs.logos, ...imgs.posters].map((i) => i.file_path);
  for (const p of [...(f.cast ?? []), ...(f.crew ?? [])]) paths.push(`/pr${p.id}.jpg`);
  if (f.collection) paths.push(`/c${f.collection.id}.jpg`, `/cb${f.collection.id}.jpg`);
  return paths;
}

/** The search-result shape of a film. */
export function movieResult(f: FakeFilm): TmdbMovieResult {
  return {
    id: f.id,
    title: f.title,
    original_title: f.original_title ?? f.title,
    original_language: f.original_language ?? "en",
    overview: f.overview ?? "",
    release_date: f.release_date,
    popularity: f.popularity,
    vote_average: f.vote_average ?? 0,
    vote_count: f.vote_count ?? 0,
    poster_path: `/p${f.id}.jpg`,
    backdrop_path: `/b${f.id}.jpg`,
    genre_ids: (f.genres ?? []).map(genreId),
    adult: false,
    video: false,
  };
}

function person(id: number, name: string, dept: string) {
  return {
    id,
    name,
    original_name: name,
    profile_path: `/pr${id}.jpg`,
    known_for_department: dept,
    gender: 0,
    popularity: 1 + (id % 50) / 10,
  };
}

/** The details shape without appended parts (the caller adds what `append_to_response` asks). */
export function movieDetailsBase(f: FakeFilm): Omit<
  TmdbMovieDetails,
  "credits" | "images" | "release_dates" | "videos" | "similar"
> {
  const lang = f.original_language ?? "en";
  const country = COUNTRY_OF_LANGUAGE[lang] ?? "US";
  return {
    id: f.id,
    imdb_id: f.imdb_id === undefined ? null : f.imdb_id,
    title: f.title,
    original_title: f.original_title ?? f.title,
    original_language: lang,
    overview: f.overview ?? "",
    tagline: f.tagline ?? "",
    runtime: f.runtime ?? 0,
    release_date: f.release_date,
    status: "Released",
    popularity: f.popularity,
    vote_average: f.vote_average ?? 0,
    vote_count: f.vote_count ?? 0,
    poster_path: `/p${f.id}.jpg`,
    backdrop_path: `/b${f.id}.jpg`,
    adult: false,
    budget: 0,
    revenue: 0,
    homepage: "",
    genres: (f.genres ?? []).map((name) => ({ id: genreId(name), name })),
    production_companies: (f.studios ?? []).map((name) => ({
      id: hash(name),
      name,
      logo_path: null,
      origin_country: country,
    })),
    production_countries: [{ iso_3166_1: country, name: country }],
    spoken_languages: [{ iso_639_1: lang, english_name: lang, name: lang }],
    belongs_to_collection: f.collection
      ? {
        id: f.collection.id,
        name: f.collection.name,
        poster_path: `/c${f.collection.id}.jpg`,
        backdrop_path: `/cb${f.collection.id}.jpg`,
      }
      : null,
  };
}

/** `credits` of a film. */
export function filmCredits(f: FakeFilm): TmdbMovieDetails["credits"] {
  const cast: TmdbCastMember[] = (f.cast ?? []).map((c, order) => ({
    ...person(c.id, c.name, "Acting"),
    character: c.character,
    order,
    credit_id: hex24(f.id, "cast", c.id, order),
  }));
  const crew: TmdbCrewMember[] = (f.crew ?? []).map((c) => ({
    ...person(c.id, c.name, c.department),
    department: c.department,
    job: c.job,
    credit_id: hex24(f.id, "crew", c.id, c.job),
  }));
  return { cast, crew };
}

/** `release_dates` of a film: a theatrical US release with its certification, and the home country's. */
export function filmReleaseDates(f: FakeFilm): TmdbMovieDetails["release_dates"] {
  if (!f.release_date) return { results: [] };
  const date = `${f.release_date}T00:00:00.000Z`;
  const results = [{
    iso_3166_1: "US",
    release_dates: [{
      certification: f.certification ?? "",
      iso_639_1: "",
      note: "",
      release_date: date,
      type: 3,
    }],
  }];
  const home = COUNTRY_OF_LANGUAGE[f.original_language ?? "en"];
  if (home) {
    results.push({
      iso_3166_1: home,
      release_dates: [{ certification: "", iso_639_1: "", note: "", release_date: date, type: 3 }],
    });
  }
  return { results };
}

/** `videos` of a film. */
export function filmVideos(f: FakeFilm): TmdbMovieDetails["videos"] {
  return {
    results: (f.videos ?? []).map((v) => ({
      id: hex24(f.id, "video", v.key),
      iso_639_1: "en",
      iso_3166_1: "US",
      key: v.key,
      name: v.name,
      site: "YouTube",
      size: 1080,
      type: v.type,
      official: true,
      published_at: `${f.release_date || "2000-01-01"}T12:00:00.000Z`,
    })),
  };
}

/** `/collection/{id}` of a collection and its member films (sorted by release date). */
export function collectionDetails(c: FakeCollection, members: FakeFilm[]): TmdbCollectionDetails {
  return {
    id: c.id,
    name: c.name,
    overview: c.overview ?? "",
    poster_path: `/c${c.id}.jpg`,
    backdrop_path: `/cb${c.id}.jpg`,
    parts: [...members]
      .sort((a, b) => (a.release_date || "9999").localeCompare(b.release_date || "9999"))
      .map(movieResult),
  };
}
