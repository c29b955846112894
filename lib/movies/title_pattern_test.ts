import { assert, assertEquals } from "../../tests/assert.ts";
import { fold, titlePattern } from "./title_pattern.ts";

Deno.test("fold lowers, strips marks and writes ligatures out", () => {
  assertEquals(fold("Amélie"), "amelie");
  assertEquals(fold("ŒUVRE Straße Øresund Łódź"), "oeuvre strasse oresund lodz");
});

Deno.test("titlePattern matches regardless of case and accents", () => {
  // JavaScript's regular expressions read these patterns as PostgreSQL does (no `u` flag).
  const matches = (words: string, title: string) =>
    new RegExp(titlePattern(words), "i").test(title);
  assert(matches("amelie", "Le Fabuleux Destin d'Amélie Poulain"));
  assert(matches("AMÉLIE", "amelie"));
  assert(matches("d'amel", "Destin d'Amélie"));
  assert(matches("coeur", "Le Cœur des hommes"));
  assert(matches("strasse", "Die Straße"));
  assert(matches("  la   haine ", "La Haine"));
  assert(!matches("amelie", "Amel"));
  // Characters that mean something in a regular expression are literal.
  assert(matches("50% (uncut)", "Film 50% (Uncut)"));
  assert(!matches("a.c", "abc"));
  assert(!matches(".*", "anything"));
});
