/**
 * Path mappings: Radarr and Revenge may see one folder under two names
 * (Radarr in a container has `/movies`, the host `/srv/media/movies`). The
 * longest matching `from` prefix wins; a path no mapping covers is kept as
 * it is (both see the same file system).
 */
import type { PathMapping } from "../../db/radarr_instance_repo.ts";

const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);

/** Maps Radarr's `path` to Revenge's. */
export function mapPath(path: string, mappings: readonly PathMapping[]): string {
  const p = path.replace(/\\/g, "/");
  let best: PathMapping | undefined;
  for (const m of mappings) {
    const from = trim(m.from.replace(/\\/g, "/"));
    if (p === from || p.startsWith(from === "/" ? "/" : from + "/")) {
      if (!best || from.length > trim(best.from).length) best = m;
    }
  }
  if (!best) return p;
  const from = trim(best.from.replace(/\\/g, "/"));
  const rest = p.slice(from.length).replace(/^\/+/, "");
  const to = trim(best.to);
  return rest ? (to === "/" ? "/" + rest : `${to}/${rest}`) : to;
}
