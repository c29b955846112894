import { assertEquals } from "../../../tests/assert.ts";
import { en } from "./en.ts";
import { de } from "./de.ts";
import { permissionDescription, PERMISSIONS_DE } from "./permissions.ts";
import { PERMISSIONS } from "../../model/permission_catalog.ts";
import {
  formatBytes,
  formatDate,
  formatNumber,
  formatRuntime,
  pickLanguage,
  t,
} from "./translate.ts";

Deno.test("pickLanguage prefers the user's setting, then Accept-Language by quality", () => {
  assertEquals(pickLanguage("de", "en-US"), "de");
  assertEquals(pickLanguage(null, "de-DE,de;q=0.9,en;q=0.8"), "de");
  assertEquals(pickLanguage(null, "fr-FR, en;q=0.5, de;q=0.7"), "de");
  assertEquals(pickLanguage(undefined, "fr, es"), "en");
  assertEquals(pickLanguage("xx", "de;q=0"), "en");
  assertEquals(pickLanguage(null, undefined), "en");
  assertEquals(pickLanguage(null, ";;,,q=1, DE-at"), "de");
});

Deno.test("t fills parameters as text and keeps unknown ones", () => {
  assertEquals(t("en", "list.count", { count: 3 }), "3 films");
  assertEquals(t("de", "film.pick", { title: "<b>x</b>" }), "<b>x</b> wählen");
  assertEquals(t("en", "film.pick"), "Pick {title}");
});

Deno.test("de translates every key of en, with the same parameters", () => {
  for (const [key, value] of Object.entries(en)) {
    const german = de[key as keyof typeof de];
    assertEquals(typeof german, "string", key);
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assertEquals(params(german), params(value), key);
  }
});

Deno.test("formatNumber, formatDate, formatRuntime and formatBytes follow the language", () => {
  assertEquals(formatNumber("en", 1234.5), "1,234.5");
  assertEquals(formatNumber("de", 1234.5), "1.234,5");
  assertEquals(formatDate("en", "1999-03-31"), "Mar 31, 1999");
  assertEquals(formatDate("de", "1999-03-31"), "31.03.1999");
  assertEquals(formatDate("en", "not a date"), "");
  assertEquals(formatRuntime("en", 136), "2 hr 16 min");
  assertEquals(formatRuntime("de", 136), "2 Std. 16 Min.");
  assertEquals(formatRuntime("en", 45), "45 min");
  assertEquals(formatBytes("en", 1536), "1.5 kB");
  assertEquals(formatBytes("de", 7_500_000_000), "7,5\u00a0GB");
});

Deno.test("German describes every permission of the catalog, and nothing else", () => {
  assertEquals(
    Object.keys(PERMISSIONS_DE).sort(),
    PERMISSIONS.map((p) => p.name).sort(),
  );
  const stream = PERMISSIONS.find((p) => p.name === "playback:stream")!;
  assertEquals(permissionDescription("de", stream), "Filme abspielen (direkt und umverpackt)");
  assertEquals(permissionDescription("en", stream), stream.description);
});
