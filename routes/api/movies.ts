/** `/api/v1/movies`. */
import { createRouter } from "../../lib/http/router.ts";

/** Routes of `/api/v1/movies`. */
export const movies = createRouter();
