/**
 * The movies module: films, their files, credits, genres, collections and
 * each user's watch progress (`c.var.services.movies`), always through the
 * asking user's library access.
 */
import { module as authModule } from "../auth/module.ts";
import { defineModule } from "../registry/module.ts";
import { moviesConfig } from "./config.ts";

/** The movies module. */
export const module = defineModule({
  name: "movies",
  url: import.meta.url,
  needs: [authModule],
  config: moviesConfig,
  create() {
    return { provides: {} };
  },
});
