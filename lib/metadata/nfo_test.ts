import { assertEquals } from "../../tests/assert.ts";
import { findNfo, NFO_MAX_BYTES, parseNfo, readNfo } from "./nfo.ts";

const KODI = `<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<!-- created on 2024-01-01 - tinyMediaManager -->
<movie>
  <title>The Matrix</title>
  <originaltitle>The Matrix</originaltitle>
  <sorttitle>Matrix 1</sorttitle>
  <year>1999</year>
  <plot>Set in the 22nd century, The Matrix tells the story of a computer hacker &amp; his fight.</plot>
  <tagline>Welcome to the Real World.</tagline>
  <runtime>136</runtime>
  <thumb aspect="poster">https://image.tmdb.org/t/p/original/p.jpg</thumb>
  <uniqueid type="imdb">tt0133093</uniqueid>
  <uniqueid type="tmdb" default="true">603</uniqueid>
  <genre>Action</genre>
  <genre>Science Fiction</genre>
  <actor><name>Keanu Reeves</name><role>Neo</role></actor>
</movie>
`;

async function tempDir(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "revenge-nfo-" });
  for (const [name, body] of Object.entries(files)) {
    if (typeof body === "string") await Deno.writeTextFile(`${dir}/${name}`, body);
    else await Deno.writeFile(`${dir}/${name}`, body);
  }
  return dir;
}

Deno.test("readNfo reads a Kodi movie.nfo", async () => {
  const dir = await tempDir({ "movie.nfo": KODI });
  try {
    assertEquals(await readNfo(`${dir}/movie.nfo`), {
      tmdbId: 603,
      imdbId: "tt0133093",
      title: "The Matrix",
      originalTitle: "The Matrix",
      sortTitle: "Matrix 1",
      year: 1999,
      plot: "Set in the 22nd century, The Matrix tells the story of a computer hacker & his fight.",
      tagline: "Welcome to the Real World.",
      runtimeMinutes: 136,
      genres: ["Action", "Science Fiction"],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseNfo reads the older id elements and premiered", () => {
  assertEquals(
    parseNfo(
      `<movie><title>Das Boot</title><id>tt0082096</id><tmdbid>387</tmdbid>
       <premiered>1981-09-17</premiered><genre>Drama / War</genre><runtime>149 min</runtime></movie>`,
    ),
    {
      tmdbId: 387,
      imdbId: "tt0082096",
      title: "Das Boot",
      year: 1981,
      runtimeMinutes: 149,
      genres: ["Drama", "War"],
    },
  );
  // Kodi's TMDb scraper writes the TMDb id as the default <id>.
  assertEquals(parseNfo("<movie><id>603</id></movie>"), { tmdbId: 603 });
  assertEquals(parseNfo("<MOVIE><IMDB>tt0133093</IMDB></MOVIE>"), { imdbId: "tt0133093" });
});

Deno.test("parseNfo reads URL-only nfo files and links in scene nfo text", () => {
  assertEquals(parseNfo("https://www.themoviedb.org/movie/603-the-matrix\n"), { tmdbId: 603 });
  assertEquals(parseNfo("http://www.imdb.com/title/tt0133093/"), { imdbId: "tt0133093" });
  const scene =
    `  ▄▄▄▄ GROUP ▄▄▄▄\r\n  Blade Runner 2049\r\n  IMDB ..: https://www.imdb.com/title/tt1856101/\r\n`;
  assertEquals(parseNfo(scene), { imdbId: "tt1856101" });
  // XML followed by a link (Kodi allows both): the XML's id wins, the link fills the gap.
  assertEquals(
    parseNfo(
      "<movie><title>Heat</title><uniqueid type='tmdb'>949</uniqueid></movie>\nhttps://www.imdb.com/title/tt0113277/",
    ),
    { tmdbId: 949, imdbId: "tt0113277", title: "Heat" },
  );
});

Deno.test("parseNfo gives null for text that says nothing and for malformed XML without links", () => {
  assertEquals(parseNfo(""), null);
  assertEquals(parseNfo("just some release notes"), null);
  assertEquals(parseNfo("<movie><title>Broken</titl"), null);
  assertEquals(parseNfo("<movie><uniqueid type='imdb'>nonsense</uniqueid></movie>"), null);
  assertEquals(parseNfo("<tvshow><title>A Show</title></tvshow>"), null);
  // An entity bomb is not expanded into anything.
  const bomb =
    `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
    <movie><title>&lol2;</title><year>2001</year></movie>`;
  assertEquals(parseNfo(bomb)?.year, 2001);
});

Deno.test("readNfo gives null for binary, oversized and missing files", async () => {
  const big = "<movie><title>x</title>" + " ".repeat(NFO_MAX_BYTES) + "</movie>";
  const dir = await tempDir({
    "binary.nfo": new Uint8Array([0x3c, 0x6d, 0, 1, 2, 3, 0xff, 0x3e]),
    "big.nfo": big,
  });
  try {
    assertEquals(await readNfo(`${dir}/binary.nfo`), null);
    assertEquals(await readNfo(`${dir}/big.nfo`), null);
    assertEquals(await readNfo(`${dir}/missing.nfo`), null);
    assertEquals(await readNfo(dir), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readNfo decodes UTF-16 and legacy code pages", async () => {
  const xml = "<movie><title>Amélie</title></movie>";
  const utf16 = new Uint8Array(2 + xml.length * 2);
  utf16.set([0xff, 0xfe]);
  for (let i = 0; i < xml.length; i++) utf16[2 + 2 * i] = xml.charCodeAt(i);
  const latin1 = Uint8Array.from(xml, (c) => c.charCodeAt(0));
  const dir = await tempDir({ "a.nfo": utf16, "b.nfo": latin1 });
  try {
    assertEquals(await readNfo(`${dir}/a.nfo`), { title: "Amélie" });
    assertEquals(await readNfo(`${dir}/b.nfo`), { title: "Amélie" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findNfo prefers <name>.nfo, then movie.nfo", async () => {
  const dir = await tempDir({ "movie.nfo": "x", "Heat (1995).NFO": "y", "other.nfo": "z" });
  try {
    assertEquals(await findNfo(dir, "Heat (1995)"), `${dir}/Heat (1995).NFO`);
    assertEquals(await findNfo(dir, "Heat (1995) - cd1"), `${dir}/Heat (1995).NFO`);
    assertEquals(await findNfo(dir, "Something"), `${dir}/movie.nfo`);
    await Deno.remove(`${dir}/movie.nfo`);
    assertEquals(await findNfo(dir, "Something"), null);
    assertEquals(await findNfo(`${dir}/missing`, "Heat"), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
