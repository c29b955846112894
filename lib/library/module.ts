/**
 * The library module: libraries and their folders (`c.var.services.library`),
 * the scanner's job kinds on the `scan` queue, periodic scans, and file
 * watching. See README.md in this folder for the pipeline.
 */
import { module as authModule } from "../auth/module.ts";
import { defineModule } from "../registry/module.ts";
import { libraryConfig } from "./config.ts";

/** The library module. */
export const module = defineModule({
  name: "library",
  url: import.meta.url,
  needs: [authModule],
  config: libraryConfig,
  create() {
    return { provides: {} };
  },
});
