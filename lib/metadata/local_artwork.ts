/**
 * Artwork next to a film, named as Kodi and Jellyfin name it: the film's
 * own `<name>-poster.jpg` first (a folder may hold several films), then the
 * folder's `poster.jpg`, `folder.jpg`, `cover.jpg`, and `<name>.jpg`;
 * `<name>-fanart.jpg`, `fanart.jpg`, `backdrop.jpg`, `background.jpg`;
 * `<name>-clearlogo.png`, `<name>-logo.png`, `clearlogo.png`, `logo.png`.
 * Names match without regard to case (`Poster.JPG`), and only regular
 * files directly in the folder count: a symbolic link is never followed, so
 * nothing outside the library is read through one.
 */
import { join } from "node:path";
import type { LocalArtwork } from "../model/metadata.ts";

const PICTURE = ["jpg", "jpeg", "png", "webp"];
const LOGO = ["png", "webp"];

/** Candidate base names by kind, best first; `{name}` is the video's base name. */
const NAMES: Record<keyof LocalArtwork, { bases: string[]; exts: string[] }> = {
  poster: { bases: ["{name}-poster", "poster", "folder", "cover", "{name}"], exts: PICTURE },
  backdrop: {
    bases: ["{name}-fanart", "{name}-backdrop", "fanart", "backdrop", "background"],
    exts: PICTURE,
  },
  logo: { bases: ["{name}-clearlogo", "{name}-logo", "clearlogo", "logo"], exts: LOGO },
};

/**
 * The artwork in `movieDir` for the video whose file name without its
 * extension is `videoBaseName` (absolute paths; a kind is absent when
 * nothing of it is there). A folder that cannot be read has none.
 */
export async function findLocalArtwork(
  movieDir: string,
  videoBaseName: string,
): Promise<LocalArtwork> {
  // Lower-cased name → the name on disk, regular files only (readDir does not follow links).
  const files = new Map<string, string>();
  try {
    for await (const e of Deno.readDir(movieDir)) {
      if (e.isFile && !e.isSymlink) files.set(e.name.toLowerCase(), e.name);
    }
  } catch {
    return {};
  }
  const name = videoBaseName.toLowerCase();
  const out: LocalArtwork = {};
  for (const kind of Object.keys(NAMES) as (keyof LocalArtwork)[]) {
    const { bases, exts } = NAMES[kind];
    search: for (const base of bases) {
      for (const ext of exts) {
        const found = files.get(`${base.replace("{name}", name)}.${ext}`);
        if (found) {
          out[kind] = join(movieDir, found);
          break search;
        }
      }
    }
  }
  return out;
}
