import { assert, assertEquals } from "../../tests/assert.ts";
import {
  editDistance,
  normalizeTitle,
  numeralVariant,
  titleSimilarity,
  titleTokens,
} from "./normalize_title.ts";

Deno.test("normalizeTitle folds case, diacritics, punctuation and articles", () => {
  assertEquals(normalizeTitle("The Matrix"), "matrix");
  assertEquals(normalizeTitle("Matrix, The"), "matrix");
  assertEquals(normalizeTitle("Amélie"), "amelie");
  assertEquals(
    normalizeTitle("Le Fabuleux Destin d'Amélie Poulain"),
    "fabuleux destin d amelie poulain",
  );
  assertEquals(normalizeTitle("L'Avventura"), "avventura");
  assertEquals(normalizeTitle("Der Untergang"), "untergang");
  assertEquals(normalizeTitle("Das Boot"), "boot");
  assertEquals(normalizeTitle("El laberinto del fauno"), "laberinto del fauno");
  assertEquals(normalizeTitle("Il buono, il brutto, il cattivo"), "buono il brutto il cattivo");
  assertEquals(normalizeTitle("Crouching Tiger, Hidden Dragon"), "crouching tiger hidden dragon");
  assertEquals(
    normalizeTitle("Spider-Man: Into the Spider-Verse"),
    "spider man into the spider verse",
  );
  assertEquals(normalizeTitle("Schindler's List"), "schindlers list");
  assertEquals(normalizeTitle("R.I.P.D."), "ripd");
  assertEquals(normalizeTitle("Die Hard"), "hard");
  assertEquals(normalizeTitle("The"), "the");
  assertEquals(normalizeTitle("  Straße\tder  Sehnsucht "), "strasse der sehnsucht");
  assertEquals(normalizeTitle(""), "");
  assertEquals(normalizeTitle("!!!"), "");
});

Deno.test("normalizeTitle reads roman numerals, number words and & as the same", () => {
  assertEquals(normalizeTitle("Rocky II"), "rocky 2");
  assertEquals(normalizeTitle("Rocky 2"), "rocky 2");
  assertEquals(normalizeTitle("The Godfather Part III"), "godfather part 3");
  assertEquals(normalizeTitle("Dune: Part Two"), "dune part 2");
  assertEquals(normalizeTitle("Star Wars Episode IX"), "star wars episode 9");
  assertEquals(normalizeTitle("Twelve Monkeys"), "12 monkeys");
  assertEquals(normalizeTitle("Alien³"), "alien 3");
  assertEquals(normalizeTitle("Fast & Furious"), normalizeTitle("Fast and Furious"));
  assertEquals(normalizeTitle("Kill Bill Vol. 1"), "kill bill volume 1");
  assertEquals(normalizeTitle("Freddy vs. Jason"), "freddy versus jason");
  // Words made of other letters are not numerals.
  assertEquals(normalizeTitle("Mix Civil DC"), "mix civil dc");
  assertEquals(titleTokens("Ocean's 007"), ["oceans", "7"]);
});

Deno.test("editDistance counts insertions, deletions and substitutions", () => {
  assertEquals(editDistance("", ""), 0);
  assertEquals(editDistance("abc", ""), 3);
  assertEquals(editDistance("kitten", "sitting"), 3);
  assertEquals(editDistance("flaw", "lawn"), 2);
});

Deno.test("titleSimilarity is 1 for the same title written differently", () => {
  for (
    const [a, b] of [
      ["The Matrix", "Matrix"],
      ["Crouching Tiger Hidden Dragon", "Crouching Tiger, Hidden Dragon"],
      ["2001 A Space Odyssey", "2001: A Space Odyssey"],
      ["Rocky II", "Rocky 2"],
      ["Lock Stock & Two Smoking Barrels", "Lock, Stock and Two Smoking Barrels"],
      ["AMELIE", "Amélie"],
    ]
  ) assertEquals(titleSimilarity(a, b), 1, `${a} / ${b}`);
});

Deno.test("titleSimilarity ranks near forms high and other films low", () => {
  assert(titleSimilarity("Spiderman", "Spider-Man") >= 0.95);
  assert(
    titleSimilarity(
      "Harry Potter and the Sorcerers Stone",
      "Harry Potter and the Philosopher's Stone",
    ) > 0.8,
  );
  // A franchise prefix or a dropped subtitle: high, below an exact title.
  const prefixed = titleSimilarity(
    "Star Wars Episode V The Empire Strikes Back",
    "The Empire Strikes Back",
  );
  assert(prefixed >= 0.85 && prefixed < 1, String(prefixed));
  const subtitle = titleSimilarity("Birdman", "Birdman or (The Unexpected Virtue of Ignorance)");
  assert(subtitle >= 0.8 && subtitle < 0.9, String(subtitle));
  // Sequels are other films.
  assert(titleSimilarity("Toy Story", "Toy Story 3") <= 0.6);
  assert(titleSimilarity("Rocky II", "Rocky III") <= 0.6);
  assert(titleSimilarity("Blade Runner", "Blade Runner 2049") <= 0.6);
  assert(titleSimilarity("Dune", "Dune: Part Two") <= 0.6);
  assert(titleSimilarity("3 Idiots", "Idiots") <= 0.6);
  // Short words are not prefixes of longer titles.
  assert(titleSimilarity("Heat", "Heat and Dust") < 0.8);
  assert(titleSimilarity("The Matrix", "Fight Club") < 0.3);
  assertEquals(titleSimilarity("", "Fight Club"), 0);
});

Deno.test("titleSimilarity is symmetric", () => {
  const pairs = [
    ["Star Wars Episode V The Empire Strikes Back", "The Empire Strikes Back"],
    ["Toy Story", "Toy Story 3"],
    ["Birdman", "Birdman or (The Unexpected Virtue of Ignorance)"],
    ["Amelie", "Le Fabuleux Destin d'Amélie Poulain"],
  ];
  for (const [a, b] of pairs) assertEquals(titleSimilarity(a, b), titleSimilarity(b, a), a);
});

Deno.test("numeralVariant writes sequel numbers the other way", () => {
  assertEquals(numeralVariant("Rocky 2"), "Rocky II");
  assertEquals(numeralVariant("The Godfather Part III"), "The Godfather Part 3");
  assertEquals(
    numeralVariant("Star Wars Episode I The Phantom Menace"),
    "Star Wars Episode 1 The Phantom Menace",
  );
  assertEquals(numeralVariant("Ocean's 12"), "Ocean's XII");
  assertEquals(numeralVariant("I, Robot"), null);
  assertEquals(numeralVariant("The Matrix"), null);
  assertEquals(numeralVariant("Blade Runner 2049"), null);
});

Deno.test("normalizeTitle keeps the pronoun I a word", () => {
  assertEquals(normalizeTitle("How I Met"), "how i met");
  assertEquals(normalizeTitle("Star Wars Episode I"), "star wars episode 1");
  assertEquals(normalizeTitle("Part I Begins"), "part 1 begins");
});
