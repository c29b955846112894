/** `/recent`: every film, newest first (the home page's "Recently added", in full). */
import { fixedListPage } from "./_fixed_list.tsx";

/** Page routes, mounted at `/recent`. */
export const recentPage = fixedListPage({
  path: "/recent",
  title: "list.recent",
  api: "/api/v1/movies/recently-added",
  load: (movies, v, p) => movies.recentlyAdded(v, p),
});
