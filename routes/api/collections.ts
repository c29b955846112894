/** `/api/v1/collections`. */
import { createRouter } from "../../lib/http/router.ts";

/** Routes of `/api/v1/collections`. */
export const collections = createRouter();
