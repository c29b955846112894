import { assertEquals } from "../../tests/assert.ts";
import {
  classifyEntry,
  IGNORE_MARKERS,
  SUBTITLE_EXTENSIONS,
  VIDEO_EXTENSIONS,
} from "./path_rules.ts";

Deno.test("classifyEntry descends into film folders, whatever their names hold", () => {
  for (
    const name of [
      "The Matrix (1999)",
      "Amélie (2001)",
      "Ame\u0301lie (2001)",
      "אהבה (2010)",
      "$(rm -rf)",
      "-leading",
      'Say "Cheese" (2000)',
      "line\nbreak",
      "Collection",
      "Extras Galore (2004)",
      "Samples of Life",
      "CD1",
    ]
  ) {
    assertEquals(classifyEntry(name, true), "descend", JSON.stringify(name));
  }
});

Deno.test("classifyEntry skips hidden, extras, artwork, disc and system folders in any case", () => {
  for (
    const name of [
      ".hidden",
      ".Trash-1000",
      ".@__thumb",
      "extras",
      "Extras",
      "TRAILERS",
      "featurettes",
      "Behind The Scenes",
      "deleted scenes",
      "interviews",
      "scenes",
      "shorts",
      "samples",
      "Sample",
      "clips",
      "other",
      "extrafanart",
      "backdrops",
      "theme-music",
      "VIDEO_TS",
      "BDMV",
      "@eaDir",
      "#recycle",
      "$RECYCLE.BIN",
      "System Volume Information",
      "lost+found",
    ]
  ) {
    assertEquals(classifyEntry(name, true), "skip", name);
  }
});

Deno.test("classifyEntry knows video and text subtitle files by extension, in any case", () => {
  const cases: [string, string][] = [
    ["The.Matrix.1999.1080p.BluRay.x264-GROUP.mkv", "video"],
    ["Movie.MP4", "video"],
    ["clip.m2ts", "video"],
    ["broadcast.ts", "video"],
    ["old.avi", "video"],
    ["Film.mov", "video"],
    ["Film.webm", "video"],
    ["Film.en.srt", "subtitle"],
    ["Film.fr.default.ASS", "subtitle"],
    ["Film.ssa", "subtitle"],
    ["Film.pt-BR.vtt", "subtitle"],
    ["Film.sub", "other"],
    ["Film.idx", "other"],
    ["Film.sup", "other"],
    ["Film.iso", "other"],
    ["VTS_01_1.VOB", "other"],
    ["movie.nfo", "other"],
    ["poster.jpg", "other"],
    ["Film.mkv.part", "other"],
    ["README", "other"],
    ["theme.mp3", "other"],
  ];
  for (const [name, kind] of cases) assertEquals(classifyEntry(name, false), kind, name);
});

Deno.test("classifyEntry skips hidden files, AppleDouble ones included", () => {
  assertEquals(classifyEntry("._The Matrix (1999).mkv", false), "skip");
  assertEquals(classifyEntry(".Film.en.srt", false), "skip");
  assertEquals(classifyEntry(".mkv", false), "skip");
});

Deno.test("classifyEntry skips extras named as Jellyfin names them", () => {
  for (
    const name of [
      "trailer.mkv",
      "Trailer.MP4",
      "sample.mkv",
      "SAMPLE.avi",
      "The Matrix (1999)-trailer.mkv",
      "The Matrix (1999)-trailer2.mkv",
      "The Matrix (1999).trailer.mp4",
      "The Matrix (1999)_trailer.mp4",
      "The Matrix (1999) trailer.mp4",
      "The.Matrix.1999.1080p-sample.mkv",
      "The.Matrix.1999.1080p.sample.mkv",
      "the.matrix.1999.1080p_sample.mkv",
      "Movie-featurette.mkv",
      "Movie-behindthescenes.mkv",
      "Movie-deleted.mkv",
      "Movie-deletedscene.mkv",
      "Movie-interview.mkv",
      "Movie-scene1.mkv",
      "Movie-clip.mkv",
      "Movie-short.mkv",
      "Movie-extra.mkv",
      "Movie-other.mkv",
    ]
  ) {
    assertEquals(classifyEntry(name, false), "skip", name);
  }
});

Deno.test("classifyEntry keeps films whose names only contain an extra's word", () => {
  for (
    const name of [
      "Trailer Park Boys The Movie (2006).mkv",
      "The Other (1972).mkv",
      "Sample People (2000).mkv",
      "The.Interview.2014.1080p.mkv",
      "Deleted.2049.mkv",
      "300-GROUP.mkv",
      "-leading.mkv",
      "$(rm -rf).mkv",
      "a\nb.mkv",
      `${"Ä".repeat(125)}.mkv`,
    ]
  ) {
    assertEquals(classifyEntry(name, false), "video", JSON.stringify(name));
  }
});

Deno.test("VIDEO_EXTENSIONS and SUBTITLE_EXTENSIONS are lower case and disjoint", () => {
  for (const ext of [...VIDEO_EXTENSIONS, ...SUBTITLE_EXTENSIONS]) {
    assertEquals(ext, ext.toLowerCase());
    assertEquals(ext.startsWith("."), false);
  }
  assertEquals([...VIDEO_EXTENSIONS].filter((e) => SUBTITLE_EXTENSIONS.has(e)), []);
  assertEquals([...SUBTITLE_EXTENSIONS].sort(), ["ass", "srt", "ssa", "vtt"]);
  assertEquals(VIDEO_EXTENSIONS.has("iso"), false);
});

Deno.test("IGNORE_MARKERS are Jellyfin's .ignore and Android's .nomedia, both hidden", () => {
  assertEquals([...IGNORE_MARKERS], [".ignore", ".nomedia"]);
  for (const marker of IGNORE_MARKERS) assertEquals(classifyEntry(marker, false), "skip");
});
