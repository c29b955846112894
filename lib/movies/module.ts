/**
 * The movies module: films, their files, credits, genres, collections and
 * each user's watch progress (`c.var.services.movies`), always through the
 * asking user's library access.
 */
import { module as authModule } from "../auth/module.ts";
import { defineModule } from "../registry/module.ts";
import { moviesConfig } from "./config.ts";
import { createMoviesService } from "./movies_service.ts";

/** The movies module. */
export const module = defineModule({
  name: "movies",
  url: import.meta.url,
  needs: [authModule],
  config: moviesConfig,
  create(ctx) {
    const s = ctx.settings;
    const movies = createMoviesService({
      sql: ctx.sql,
      clock: ctx.clock,
      rules: {
        watchedPercent: s.watchedPercent,
        resumeMinPercent: s.resumeMinPercent,
        resumeMinDurationMs: s.resumeMinDurationSec * 1000,
      },
    });
    return { provides: { movies } };
  },
});
