// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * Name understanding for the scanner: `parseMoviePath` over 10,000 generated
 * paths in the layouts libraries have (Jellyfin/Plex folders, scene releases
 * at the root or in their own folder, parts, ids, non-Latin titles), then
 * `classifyEntry` and `parseSubtitleName`. The scanner's budget is 10,000
 * films browseable in 10 s with the database writes, so parsing should take
 * well under a second. Each figure is the best of 5 rounds after a warm-up.
 */
import { parseMoviePath, parseSubtitleName } from "../lib/library/parse_name.ts";
import { classifyEntry } from "../lib/library/path_rules.ts";

const PATHS = 10_000;
const ROUNDS = 5;

const WORDS = [
  "Matrix",
  "Heat",
  "Blade",
  "Runner",
  "Night",
  "Empire",
  "Strikes",
  "Back",
  "Amélie",
  "Über",
  "Дом",
  "אהבה",
  "東京",
  "Rocky",
  "2049",
  "Odyssey",
  "Spider-Man",
  "Schindler's",
];
const RESOLUTIONS = ["2160p", "1080p", "720p", "480p"];
const SOURCES = ["BluRay", "WEB-DL", "WEBRip", "HDTV", "DVDRip", "BluRay.REMUX", "AMZN.WEB-DL"];
const EXTRAS = ["", ".EXTENDED", ".REMASTERED", ".Directors.Cut", ".IMAX"];

/** A small seeded generator, so every run parses the same paths. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

function generate(count: number): string[] {
  const rnd = random(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const words = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(WORDS));
    const title = `${words.join(" ")} ${i}`;
    const year = 1930 + Math.floor(rnd() * 95);
    const dotted = title.replaceAll(" ", ".");
    const release = `${dotted}.${year}${pick(EXTRAS)}.${pick(RESOLUTIONS)}.${
      pick(SOURCES)
    }.x264-GRP`;
    switch (i % 6) {
      case 0:
        paths.push(`${title} (${year})/${title} (${year}) - ${pick(RESOLUTIONS)}.mkv`);
        break;
      case 1:
        paths.push(`${release}.mkv`);
        break;
      case 2:
        paths.push(`${title} (${year})/${release}.mkv`);
        break;
      case 3:
        paths.push(`${title} (${year}) [tmdbid-${100 + i}]/movie.mkv`);
        break;
      case 4:
        paths.push(`${title} (${year})/cd${1 + (i % 2)}.avi`);
        break;
      default:
        paths.push(
          `Collection/${title} (${year}) {edition-Final Cut}/${title}.mkv`.normalize("NFD"),
        );
    }
  }
  return paths;
}

function measure(label: string, total: number, run: () => void): void {
  run(); // warm-up: the regexes compile and the JIT settles
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  const perSecond = Math.round(total / (best / 1000));
  console.log(
    `${label.padEnd(22)} ${String(total).padStart(7)} names  ${best.toFixed(1).padStart(7)} ms  ${
      String(perSecond).padStart(8)
    } names/s  ${(best * 1000 / total).toFixed(1)} µs/name`,
  );
}

const paths = generate(PATHS);
const names = paths.map((p) => p.slice(p.lastIndexOf("/") + 1));
let sink = 0;
measure("parseMoviePath", PATHS, () => {
  for (const p of paths) sink += parseMoviePath(p).identityKey.length;
});
measure("classifyEntry", PATHS, () => {
  for (const n of names) sink += classifyEntry(n, false).length;
});
const videos = ["Film.mkv", "Film.Extended.mkv", "Other (2001).mkv"];
const subtitles = ["Film.en.srt", "Film.Extended.eng.forced.srt", "Film.pt-BR.vtt", "English.srt"];
measure("parseSubtitleName", PATHS, () => {
  for (let i = 0; i < PATHS; i++) {
    sink += parseSubtitleName(subtitles[i % subtitles.length], videos).video?.length ?? 0;
  }
});
if (sink === 0) console.log("(nothing parsed)");
