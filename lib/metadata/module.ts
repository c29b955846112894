/**
 * The metadata module: the TMDb client, identification of films, their
 * details, artwork and collections. See README.md in this folder.
 */
import { module as authModule } from "../auth/module.ts";
import { defineModule } from "../registry/module.ts";
import { metadataConfig } from "./config.ts";
import { imageServiceFor } from "./_image_wiring.ts";
import { imageJobHandler } from "./image_job.ts";
import { METADATA_KINDS } from "./kinds.ts";

/** The metadata module. */
export const module = defineModule({
  name: "metadata",
  url: import.meta.url,
  needs: [authModule],
  config: metadataConfig,
  jobs: {
    kinds: METADATA_KINDS,
    handlers: (deps) => ({
      "metadata.image": imageJobHandler(imageServiceFor(deps, deps.settings)),
    }),
  },
  create(ctx) {
    const images = imageServiceFor(ctx, ctx.settings);
    return { provides: { images } };
  },
});
