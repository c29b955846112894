/** `/top-rated`: rated films, best first (the home page's "Top rated", in full). */
import { fixedListPage } from "./_fixed_list.tsx";

/** Page routes, mounted at `/top-rated`. */
export const topRatedPage = fixedListPage({
  path: "/top-rated",
  title: "list.topRated",
  api: "/api/v1/movies/top-rated",
  load: (movies, v, p) => movies.topRated(v, p),
});
