/** The system module: name, version, whether first-run setup is pending. */
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
      provides: { system: createSystemService({ setupRequired: () => auth.setup.isRequired() }) },
    };
  },
});
