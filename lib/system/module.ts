/** The system module: name, version, whether first-run setup is pending, uptime, database size. */
import { module as authModule } from "../auth/module.ts";
import { defineModule } from "../registry/module.ts";
import { createSystemService } from "./system_service.ts";

/** The system module. */
export const module = defineModule({
  name: "system",
  url: import.meta.url,
  needs: [authModule],
  create(ctx) {
    const { auth } = ctx.use(authModule);
    return {
      provides: {
        system: createSystemService({
          setupRequired: () => auth.setup.isRequired(),
          now: () => ctx.clock.now(),
          async database() {
            const [r] = await ctx.sql<{ bytes: string; version: string }[]>`
              select pg_database_size(current_database())::text as bytes,
                current_setting('server_version') as version`;
            return { bytes: Number(r.bytes), version: r.version };
          },
        }),
      },
    };
  },
});
