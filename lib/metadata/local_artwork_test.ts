import { assertEquals } from "../../tests/assert.ts";
import { findLocalArtwork } from "./local_artwork.ts";

async function folder(files: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "revenge-artwork-" });
  for (const f of files) await Deno.writeFile(`${dir}/${f}`, new Uint8Array([1, 2, 3]));
  return dir;
}

Deno.test("findLocalArtwork finds Kodi and Jellyfin names, the film's own first", async () => {
  const dir = await folder([
    "The Matrix (1999).mkv",
    "poster.jpg",
    "The Matrix (1999)-poster.png",
    "fanart.jpg",
    "logo.png",
    "clearlogo.png",
  ]);
  try {
    assertEquals(await findLocalArtwork(dir, "The Matrix (1999)"), {
      poster: `${dir}/The Matrix (1999)-poster.png`,
      backdrop: `${dir}/fanart.jpg`,
      logo: `${dir}/clearlogo.png`,
    });
    // Another film of the same folder gets the folder's artwork.
    assertEquals(await findLocalArtwork(dir, "Other"), {
      poster: `${dir}/poster.jpg`,
      backdrop: `${dir}/fanart.jpg`,
      logo: `${dir}/clearlogo.png`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findLocalArtwork takes folder.jpg, cover.jpg and <name>.jpg in that order, in any case", async () => {
  const a = await folder(["Folder.JPG", "cover.jpg", "Film.jpg", "Backdrop.jpeg"]);
  const b = await folder(["cover.jpg", "Film.jpg"]);
  const c = await folder(["Film.jpg", "Film-fanart.webp", "background.jpg"]);
  try {
    assertEquals(await findLocalArtwork(a, "Film"), {
      poster: `${a}/Folder.JPG`,
      backdrop: `${a}/Backdrop.jpeg`,
    });
    assertEquals(await findLocalArtwork(b, "Film"), { poster: `${b}/cover.jpg` });
    assertEquals(await findLocalArtwork(c, "film"), {
      poster: `${c}/Film.jpg`,
      backdrop: `${c}/Film-fanart.webp`,
    });
  } finally {
    for (const d of [a, b, c]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("findLocalArtwork ignores links, folders and other files", async () => {
  const outside = await folder(["secret.jpg"]);
  const dir = await folder(["film.nfo", "poster.gif", "logo.jpg"]);
  try {
    await Deno.symlink(`${outside}/secret.jpg`, `${dir}/poster.jpg`);
    await Deno.symlink(outside, `${dir}/fanart.jpg`);
    await Deno.mkdir(`${dir}/folder.jpg`);
    assertEquals(await findLocalArtwork(dir, "film"), {});
    assertEquals(await findLocalArtwork(`${dir}/nope`, "film"), {});
  } finally {
    for (const d of [outside, dir]) await Deno.remove(d, { recursive: true });
  }
});
