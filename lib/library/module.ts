/**
 * The library module: libraries and their folders (`c.var.services.library`),
 * the scanner's job kinds on the `scan` queue, periodic scans, and file
 * watching. See README.md in this folder for the pipeline.
 */
import { module as authModule } from "../auth/module.ts";
import { defineModule } from "../registry/module.ts";
import { libraryConfig } from "./config.ts";
import { LIBRARY_KINDS } from "./kinds.ts";
import { createLibraryService } from "./library_service.ts";
import { periodicHandler } from "./periodic_job.ts";
import { probeHandler } from "./3_probe.ts";
import { scanHandler } from "./scan_job.ts";
import { createLibraryWatcher } from "./watcher.ts";
import { createFolderBrowser } from "./folder_browser.ts";

/** The library module. */
export const module = defineModule({
  name: "library",
  url: import.meta.url,
  needs: [authModule],
  config: libraryConfig,
  jobs: {
    kinds: LIBRARY_KINDS,
    handlers: (deps) => ({
      "library.scan": scanHandler(deps),
      "library.probe": probeHandler(deps),
      "library.periodic": periodicHandler,
    }),
    schedules: () => [{
      name: "library.periodic",
      cron: "* * * * *",
      kind: "library.periodic",
      payload: {},
    }],
  },
  create(ctx) {
    const { auth } = ctx.use(authModule);
    const library = createLibraryService({ sql: ctx.sql, clock: ctx.clock, audit: auth.audit });
    const watcher = createLibraryWatcher({
      sql: ctx.sql,
      clock: ctx.clock,
      logger: ctx.logger.child({ component: "watcher" }),
      debounceMs: ctx.settings.watchDebounceMs,
    });
    library.onChange(() => watcher.refresh());
    return {
      provides: { library, folders: createFolderBrowser(ctx.settings.browseRoots) },
      start: () => watcher.start(),
      stop: () => watcher.stop(),
    };
  },
});
