/**
 * Film titles folded for comparison, and how alike two titles are. The
 * matcher compares what a file name says (`The.Empire.Strikes.Back`) with
 * what TMDb answers (`The Empire Strikes Back`, `Le Fabuleux Destin
 * d'Amélie Poulain`), so everything that differs between a release name and
 * a title without making it another film is folded away:
 *
 * - case, diacritics (NFKD, marks dropped; `ß`→`ss`, `æ`→`ae`...), acronym
 *   dots (`R.I.P.D.` = `RIPD`), apostrophes (`Schindler's` = `Schindlers`),
 *   other punctuation (`Spider-Man` = `Spider Man`), whitespace;
 * - `&` and `+` as `and`, `vs`/`vs.` as `versus`, `vol` as `volume`, `pt`
 *   as `part`, `ep` as `episode`;
 * - roman numerals I-XXXIX and number words one-twenty as digits (`Rocky II`
 *   = `Rocky 2`, `Part Two` = `Part 2`, `Twelve Monkeys` = `12 Monkeys`);
 * - a leading article (English, French, German, Spanish, Italian,
 *   Portuguese, Dutch: `The`, `L'`, `Der`, `El`, `Il`, `O`...), and the
 *   `Title, The` form of sorted lists.
 *
 * Numbers are what tells sequels apart, so {@linkcode titleSimilarity}
 * compares them apart from the words.
 */

const LETTERS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

/** Leading articles; a title that is only an article keeps it. */
const ARTICLES = new Set(
  // English, French, German, Spanish, Italian, Portuguese, Dutch.
  "the a an l le la les un une der die das ein eine el los las una il lo gli uno o os as um uma de het een"
    .split(" "),
);

const WORD_SYNONYMS: Record<string, string> = {
  vs: "versus",
  vol: "volume",
  pt: "part",
  ep: "episode",
};

const NUMBER_WORDS: Record<string, number> = Object.fromEntries(
  ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " +
    "sixteen seventeen eighteen nineteen twenty").split(" ").map((w, i) => [w, i + 1]),
);

/** Valid roman numerals from 1 to 39 (only I, V and X: `mix`, `civil`, `dc` stay words). */
const ROMAN = /^(x{0,3})(ix|iv|v?i{0,3})$/;
const ROMAN_UNITS: Record<string, number> = Object.fromEntries(
  ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"].map((r, i) => [r, i]),
);

function toNumber(token: string): string {
  if (/^\d+$/.test(token)) return String(Number(token));
  const word = NUMBER_WORDS[token];
  if (word !== undefined) return String(word);
  const m = ROMAN.exec(token);
  if (m && token !== "") return String(m[1].length * 10 + ROMAN_UNITS[m[2]]);
  return WORD_SYNONYMS[token] ?? token;
}

/**
 * The words of `title` after folding (see the module comment), leading
 * article dropped. `"The Empire Strikes Back"` → `["empire", "strikes",
 * "back"]`; `"Rocky II"` → `["rocky", "2"]`.
 */
export function titleTokens(title: string): string[] {
  const all = foldedTokens(title);
  return all.length > 1 && ARTICLES.has(all[0]) ? all.slice(1) : all;
}

/** The words of `title` after folding, the leading article kept. */
function foldedTokens(title: string): string[] {
  let s = String(title).replace(/(?<![\p{L}\p{N}])(?:\p{L}\.){2,}/gu, (a) => a.replaceAll(".", ""))
    .normalize("NFKD").replace(/[\p{M}\p{Cf}]/gu, "").toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => LETTERS[c])
    // `Alien³` (NFKD: `Alien3`) is `Alien 3`; `Se7en` splits alike on both sides.
    .replace(/(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/gu, " ");
  // `Matrix, The` (sorted lists) is `The Matrix`.
  s = s.replace(/^(.*\S)\s*,\s*(the|a|an)\s*$/u, "$2 $1");
  // Elisions are words of their own (`d'Amélie` as `d Amelie`, the way release names write it);
  // other apostrophes go (`Schindler's` = `Schindlers`).
  s = s.replace(/(?<![\p{L}\p{N}])(\p{L})['’ʼ`´]\s*(?=\p{L})/gu, "$1 ");
  s = s.replace(/[&+]/g, " and ").replace(/['’ʼ`´]/g, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  if (s === "") return [];
  const words = s.split(" ");
  // A lone "I" is the pronoun ("How I Learned", "I, Robot") unless it numbers
  // something ("Episode I", "Part I") or ends the title ("Rocky I").
  return words.map((w, i) =>
    w === "i" && i < words.length - 1 && !numbers(words[i - 1]) ? w : toNumber(w)
  );
}

function numbers(word: string | undefined): boolean {
  return word !== undefined && NUMBERED.has(WORD_SYNONYMS[word] ?? word);
}

/** `title` folded to one comparable string: {@linkcode titleTokens} joined by spaces. */
export function normalizeTitle(title: string): string {
  return titleTokens(title).join(" ");
}

/** Levenshtein distance over UTF-16 units (titles are short; two rows suffice). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

const isNumber = (t: string) => /^\d+$/.test(t);
/** Words a longer title may carry before a shorter one's numbers: `Star Wars Episode 5 ...`. */
const NUMBERED = new Set(["episode", "chapter", "part", "volume", "book"]);

/**
 * How alike two titles are, 0 (nothing in common) to 1 (the same after
 * folding). Why this mix rather than one measure:
 *
 * - Edit distance over the folded titles without spaces (1 - distance /
 *   longer length) catches typos and spacing (`Spiderman` = `Spider Man`,
 *   0.97 rather than 1 so an exact title still ranks first), but cannot
 *   see that a release name added or dropped whole words.
 * - Token overlap (Dice coefficient over the word multisets) is blind to
 *   word order and typos but measures shared words.
 * - Release names drop subtitles (`Birdman` for `Birdman or (The Unexpected
 *   Virtue of Ignorance)`) and add franchise prefixes (`Star Wars Episode V
 *   The Empire Strikes Back` for TMDb's `The Empire Strikes Back`): one title
 *   that is the other's first or last words scores 0.85-0.9, which with the
 *   right year is a match, but below an exact title of the same year.
 *
 * The best of the three counts, then numbers are checked on their own: a
 * title with a number the other lacks or has differently is another film of a
 * series (`Toy Story` / `Toy Story 3`, `Rocky` / `Rocky II`), so the score is
 * cut to at most 0.6 — except a number in a franchise prefix (`Episode 5`).
 */
export function titleSimilarity(a: string, b: string): number {
  const ta = titleTokens(a);
  const tb = titleTokens(b);
  if (ta.length === 0 || tb.length === 0) return 0;
  const na = ta.join(" ");
  const nb = tb.join(" ");
  if (na === nb) return 1;
  const ca = ta.join("");
  const cb = tb.join("");
  if (ca === cb) return 0.97;

  const edit = 1 - editDistance(ca, cb) / Math.max(ca.length, cb.length);
  const dice = 2 * common(ta, tb) / (ta.length + tb.length);
  const [short, long] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
  const affix = affixScore(short, long, foldedTokens(ta.length <= tb.length ? a : b));
  let score = Math.max(edit, dice, affix.score);

  const numsA = ta.filter(isNumber).sort().join(",");
  const numsB = tb.filter(isNumber).sort().join(",");
  if (numsA !== numsB && !(affix.score > 0 && affix.numbersExcused)) score = Math.min(score, 0.6);
  return Math.max(0, Math.min(1, score));
}

/** Shared words, counting repeats once per occurrence on both sides. */
function common(a: string[], b: string[]): number {
  const left = new Map<string, number>();
  for (const t of a) left.set(t, (left.get(t) ?? 0) + 1);
  let n = 0;
  for (const t of b) {
    const c = left.get(t) ?? 0;
    if (c > 0) {
      n++;
      left.set(t, c - 1);
    }
  }
  return n;
}

/**
 * `short` as the first or last words of `long`. A one-word title must be long
 * enough (6+ letters) not to be any word: `Heat` is not `Heat and Dust`'s.
 * `shortWithArticle` lets `The Empire Strikes Back` be the end of `Star Wars
 * Episode V The Empire Strikes Back` with its article.
 */
function affixScore(
  short: string[],
  long: string[],
  shortWithArticle: string[],
): { score: number; numbersExcused: boolean } {
  const none = { score: 0, numbersExcused: false };
  if (short.length === long.length) return none;
  if (short.length === 1 && short[0].length < 6) return none;
  const extra = long.length - short.length;
  const startsWith = short.every((t, i) => long[i] === t);
  if (startsWith) {
    // A dropped subtitle; numbers in it stay significant (`Toy Story` ≠ `Toy Story 3`)
    // except an episode's (`Star Wars` is `Star Wars Episode IV A New Hope`).
    const rest = long.slice(short.length);
    const excused = rest.every((t, i) => !isNumber(t) || rest[i - 1] === "episode");
    return { score: Math.max(0.8, 0.87 - 0.01 * extra), numbersExcused: excused };
  }
  for (const tail of [short, shortWithArticle]) {
    const at = long.length - tail.length;
    if (at > 0 && tail.every((t, i) => long[at + i] === t)) {
      const prefix = long.slice(0, at);
      const excused = prefix.every((t, i) => !isNumber(t) || NUMBERED.has(prefix[i - 1] ?? ""));
      // A franchise prefix needs two words or a numbered one: `3 Idiots` is not `Idiots`.
      if (prefix.length < 2 && !excused) return none;
      return { score: Math.max(0.85, 0.9 - 0.01 * prefix.length), numbersExcused: excused };
    }
  }
  return none;
}

const ROMAN_OF = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];

/**
 * `title` with its sequel numbers written the other way, for a second
 * search when TMDb found nothing: `Rocky 2` → `Rocky II`, `The Godfather
 * Part III` → `The Godfather Part 3`. Arabic 1-39 become roman; without
 * any, roman numerals (`II`-`XXXIX`, a lone `I` only after `Part` or
 * `Episode`) become arabic. Null when there is nothing to rewrite.
 */
export function numeralVariant(title: string): string | null {
  const parts = String(title).split(/([\s._:-]+)/u);
  const isWord = (p: string) => p !== "" && !/^[\s._:-]+$/u.test(p);
  let changed = false;
  const toRoman = parts.map((p) => {
    if (!/^\d{1,2}$/.test(p) || Number(p) < 1 || Number(p) > 39) return p;
    changed = true;
    const n = Number(p);
    return "X".repeat(Math.floor(n / 10)) + ROMAN_OF[n % 10];
  });
  if (changed) return toRoman.join("");
  const words = parts.filter(isWord).map((w) => w.toLowerCase());
  let w = -1;
  const toArabic = parts.map((p) => {
    if (!isWord(p)) return p;
    w++;
    const lower = p.toLowerCase();
    if (!/^[ivx]+$/.test(lower) || !ROMAN.test(lower)) return p;
    if (lower === "i" && !numbers(words[w - 1])) return p;
    changed = true;
    return toNumber(lower);
  });
  return changed ? toArabic.join("") : null;
}
