/**
 * Creates the embedded PostgreSQL package's shared-library symlinks in
 * `node_modules`, for an install that the server's user may not write to
 * (the container image, the systemd unit's read-only `/opt/revenge`). The
 * server does the same at start when it can; this runs it once, as root, at
 * build time. Usage: `deno run -A scripts/prepare_embedded_pg.ts` in the app folder.
 */
import { hydrateLibrarySymlinks } from "../lib/db/embedded_postgres_cluster.ts";

await hydrateLibrarySymlinks();
