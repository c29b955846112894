/**
 * The search module (`c.var.services.search`): PostgreSQL search by
 * default, Typesense when configured (PostgreSQL answering while it is
 * down), the reindex and outbox-sync jobs.
 */
import { module as authModule } from "../auth/module.ts";
import { createSearchStateRepo } from "../db/search_state_repo.ts";
import { createJobQueue } from "../jobs/job_queue.ts";
import { defineModule } from "../registry/module.ts";
import { enginesFor } from "./_engines.ts";
import { searchConfig } from "./config.ts";
import { REINDEX_KEY, SEARCH_KINDS } from "./kinds.ts";
import { reindexHandler } from "./reindex_job.ts";
import { createSearchService } from "./search_service.ts";
import { syncHandler } from "./sync_job.ts";

/** The search module. */
export const module = defineModule({
  name: "search",
  url: import.meta.url,
  needs: [authModule],
  config: searchConfig,
  jobs: {
    kinds: SEARCH_KINDS,
    handlers: (deps) => ({
      "search.reindex": reindexHandler(deps),
      "search.sync": syncHandler(deps),
    }),
  },
  create(ctx) {
    const { auth } = ctx.use(authModule);
    const logger = ctx.logger.child({ component: "search" });
    const engines = enginesFor(ctx.sql, ctx.settings, logger);
    const search = createSearchService({
      sql: ctx.sql,
      engine: engines.inUse,
      configured: engines.typesense ? "typesense" : "postgres",
      audit: auth.audit,
    });
    return {
      provides: { search },
      async start() {
        const state = createSearchStateRepo(ctx.sql);
        // The triggers queue changes for Typesense only while it is configured.
        await state.setTypesense(engines.typesense !== null);
        if (!engines.typesense) return;
        const health = await engines.typesense.health();
        // No collection behind the alias yet (first start with Typesense): build it.
        if (!health.ok) {
          logger.info("Typesense index not ready; a full reindex is queued", {
            detail: health.detail,
          });
          await createJobQueue({ sql: ctx.sql, kinds: SEARCH_KINDS })
            .enqueue("search.reindex", {}, { uniqueKey: REINDEX_KEY });
        }
      },
    };
  },
});
