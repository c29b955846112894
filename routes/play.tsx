/**
 * `/play/{movieId}`: the player page. The handler finds the film through
 * the movies service (a film the caller cannot see is the same 404 as an
 * unknown id); the `Player` island asks for the playback decision and
 * plays. Without a session the authentication middleware sends the browser
 * to `/login?next=…`, as for every page.
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { Island } from "../lib/http/island.tsx";
import { hasPermission } from "../lib/model/permissions.ts";
import { ForbiddenError, NotFoundError } from "../lib/model/errors.ts";
import type { Lang } from "../lib/ui/i18n/translate.ts";
import Player from "../islands/Player.tsx";
import { page, pageContext } from "./_page.tsx";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Loads what the page shows. */
export async function handler(
  c: { var: AppEnv["Variables"] },
  movieId: string,
  query: { maxBitrate?: string },
  lang?: Lang,
) {
  const p = c.var.principal!;
  if (!hasPermission(p.permissions, "playback:stream")) {
    throw new ForbiddenError("You may not play films (playback:stream).");
  }
  if (!UUID.test(movieId)) throw new NotFoundError("No such movie.");
  const access = await c.var.services.auth.authenticator.libraryAccess(p.userId);
  const film = await c.var.services.movies.get({ userId: p.userId, access }, movieId);
  // `?maxBitrate=` (bits per second): the viewer's bandwidth cap, passed to the decision.
  const cap = Number(query.maxBitrate);
  const maxBitrate = Number.isInteger(cap) && cap >= 100_000 && cap <= 400_000_000 ? cap : null;
  return {
    movieId: film.id,
    title: film.year ? `${film.title} (${film.year})` : film.title,
    maxBitrate,
    lang,
  };
}

/** Props of the page, typed from the handler. */
export type PlayProps = Awaited<ReturnType<typeof handler>>;

/** The page. */
export default function Play(props: PlayProps) {
  return (
    <div class="stack">
      <h1>{props.title}</h1>
      <Island name="Player" component={Player} props={props} />
    </div>
  );
}

/** Page routes, mounted at `/play`. */
export const playPage = new Hono<AppEnv>().get("/:movieId", async (c) => {
  const ctx = await pageContext(c);
  const props = await handler(c, c.req.param("movieId"), {
    maxBitrate: c.req.query("maxBitrate"),
  }, ctx.lang);
  return page(c, <Play {...props} />, { title: props.title, ctx });
});
