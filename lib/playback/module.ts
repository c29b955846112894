/**
 * The playback module: the playback decision, direct play and the playback
 * sessions (`c.var.services.playback`). The HLS engine is the transcode
 * module (`hls/module.ts`); a session an administrator stops has its
 * transcodes stopped through it.
 */
import { module as authModule } from "../auth/module.ts";
import { module as moviesModule } from "../movies/module.ts";
import { module as transcodeModule } from "./hls/module.ts";
import { defineModule } from "../registry/module.ts";
import { playbackConfig } from "./config.ts";
import { createPlaybackService } from "./playback_service.ts";

/** The playback module. */
export const module = defineModule({
  name: "playback",
  url: import.meta.url,
  needs: [authModule, moviesModule, transcodeModule],
  config: playbackConfig,
  create(ctx) {
    const { auth } = ctx.use(authModule);
    const { movies } = ctx.use(moviesModule);
    const { hls } = ctx.use(transcodeModule);
    const playback = createPlaybackService({
      sql: ctx.sql,
      clock: ctx.clock,
      movies,
      streamTokens: auth.streamTokens,
      audit: auth.audit,
      sessionIdleMs: ctx.settings.sessionIdleSec * 1000,
      transcodes: hls,
      logger: ctx.logger,
    });
    return { provides: { playback } };
  },
});
