/** `/continue`: the reader's resume points, last played first ("Continue watching", in full). */
import { fixedListPage } from "./_fixed_list.tsx";

/** Page routes, mounted at `/continue`. */
export const continuePage = fixedListPage({
  path: "/continue",
  title: "list.continue",
  api: "/api/v1/movies/continue-watching",
  load: (movies, v, p) => movies.continueWatching(v, p),
});
