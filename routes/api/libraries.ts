/** `/api/v1/libraries`. */
import { createRouter } from "../../lib/http/router.ts";

/** Routes of `/api/v1/libraries`. */
export const libraries = createRouter();
