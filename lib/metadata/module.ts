/**
 * The metadata module: the TMDb client, identification of films, their
 * details, artwork and collections. See README.md in this folder.
 */
import { module as authModule } from "../auth/module.ts";
import { defineModule } from "../registry/module.ts";
import { metadataConfig } from "./config.ts";
import { metadataPartsFor } from "./_metadata_wiring.ts";
import { createCollectionsService } from "./collections_service.ts";
import { identifyLinkedFilms } from "./enqueue.ts";
import { identifyHandler } from "./identify_job.ts";
import { imageJobHandler } from "./image_job.ts";
import { METADATA_KINDS } from "./kinds.ts";
import { createMetadataService } from "./metadata_service.ts";
import { periodicHandler } from "./periodic_job.ts";
import { refreshHandler } from "./refresh_job.ts";

/** The metadata module. */
export const module = defineModule({
  name: "metadata",
  url: import.meta.url,
  needs: [authModule],
  config: metadataConfig,
  jobs: {
    kinds: METADATA_KINDS,
    // The scanner's films are identified in the link transaction that made them.
    hooks: () => [identifyLinkedFilms],
    handlers: (deps) => {
      const { deps: md, images } = metadataPartsFor(deps, deps.settings);
      return {
        "metadata.image": imageJobHandler(images),
        "metadata.identify": identifyHandler(md),
        "metadata.refresh": refreshHandler(md),
        "metadata.periodic": periodicHandler(md),
      };
    },
    schedules: () => [{
      name: "metadata.periodic",
      cron: "0 * * * *",
      kind: "metadata.periodic",
      payload: {},
    }],
  },
  create(ctx) {
    const { auth } = ctx.use(authModule);
    const parts = metadataPartsFor(ctx, ctx.settings);
    const metadata = createMetadataService({
      sql: ctx.sql,
      metadata: parts.deps,
      audit: auth.audit,
    });
    const collections = createCollectionsService({
      sql: ctx.sql,
      clock: ctx.clock,
      audit: auth.audit,
    });
    return {
      provides: { images: parts.images, metadata, collections },
      stop: () => Promise.resolve(parts.close()),
    };
  },
});
