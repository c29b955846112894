import { assertEquals } from "../../../tests/assert.ts";
import { mapPath } from "./path_map.ts";

Deno.test("mapPath replaces the longest matching prefix", () => {
  const m = [{ from: "/movies", to: "/srv/media/movies" }, {
    from: "/movies/4k/",
    to: "/srv/uhd",
  }];
  assertEquals(
    mapPath("/movies/Heat (1995)/Heat.mkv", m),
    "/srv/media/movies/Heat (1995)/Heat.mkv",
  );
  assertEquals(mapPath("/movies/4k/Heat (1995)/Heat.mkv", m), "/srv/uhd/Heat (1995)/Heat.mkv");
  assertEquals(mapPath("/moviesX/a.mkv", m), "/moviesX/a.mkv");
  assertEquals(mapPath("/movies", m), "/srv/media/movies");
});

Deno.test("mapPath turns Windows separators into slashes", () => {
  assertEquals(mapPath("D:\\films\\A\\a.mkv", [{ from: "D:/films", to: "/m" }]), "/m/A/a.mkv");
});
