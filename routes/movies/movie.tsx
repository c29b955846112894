/**
 * `/movies/{id}`: one film. Backdrop, poster, facts, overview, genres,
 * director and writers, the cast (photos, linking to person pages), the
 * collection, similar films, and every version with its technical details;
 * Play (Resume with progress) links to the player; the actions the reader
 * may use are an island over the JSON API. A film in a library the reader
 * may not see is the same 404 as an unknown id.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import { ForbiddenError, NotFoundError } from "../../lib/model/errors.ts";
import { hasPermission } from "../../lib/model/permissions.ts";
import { blurhashCss } from "../../lib/model/blurhash_css.ts";
import { formatBytes, formatNumber, formatRuntime } from "../../lib/ui/i18n/translate.ts";
import { useT } from "../../lib/ui/i18n/use_t.ts";
import FilmActions from "../../islands/FilmActions.tsx";
import { movieDetailView, viewerOf } from "../api/movies.ts";
import { page, pageContext } from "../_page.tsx";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Loads what the page shows. */
export async function handler(c: Context<AppEnv>) {
  const p = c.var.principal!;
  if (!hasPermission(p.permissions, "movies:read")) throw new ForbiddenError("No access to films.");
  const id = c.req.param("id") ?? "";
  if (!UUID.test(id)) throw new NotFoundError("No such movie.");
  const movies = c.var.services.movies;
  const v = await viewerOf(c);
  const manager = hasPermission(p.permissions, "movies:manage");
  const [film, files, cast, crew, ctx] = await Promise.all([
    movies.get(v, id),
    movies.files(v, id),
    movies.cast(v, id),
    movies.crew(v, id),
    pageContext(c),
  ]);
  // Similar films come from TMDb: without it (or while it is down) the page still renders.
  const similar = film.tmdbId ? await c.var.services.metadata.similar(v, id).catch(() => []) : [];
  const view = movieDetailView(film, manager);
  return {
    ctx,
    film: view,
    canManage: manager,
    canPlay: hasPermission(p.permissions, "playback:stream"),
    canTrack: hasPermission(p.permissions, "self:update"),
    directors: crew.filter((cr) => cr.job === "Director").map(person),
    writers: crew.filter((cr) => cr.department === "Writing").map(person)
      .filter((w, i, all) => all.findIndex((x) => x.id === w.id) === i),
    cast: cast.slice(0, 30).map((cr) => ({ ...person(cr), character: cr.character })),
    similar: similar.slice(0, 12).map((s) => ({
      title: s.title,
      year: s.year,
      movieId: s.movieId,
    })),
    files: files.map((f) => ({
      id: f.id,
      name: f.path.split("/").pop() ?? f.path,
      size: f.size,
      container: f.container,
      missing: f.missing,
      probeState: f.probeState,
      resolution: f.resolution,
      hdr: f.hdr,
      video: f.video &&
        {
          codec: f.video.codec,
          profile: f.video.profile,
          width: f.video.width,
          height: f.video.height,
          bitDepth: f.video.bitDepth,
        },
      audio: f.audio.map((a) => ({
        codec: a.codec,
        channels: a.channels,
        language: a.language,
        title: a.title,
      })),
      subtitles: f.subtitles.map((s) => ({
        codec: "format" in s ? String(s.format) : s.codec,
        language: s.language,
        title: s.title,
        forced: s.forced,
        external: s.external,
      })),
    })),
  };
}

function person(cr: { personId: string; name: string; profilePath: string | null }) {
  return {
    id: cr.personId,
    name: cr.name,
    photo: cr.profilePath ? `/api/v1/images/profile/${cr.personId}/w185` : null,
  };
}

/** Props of the page, typed from the handler. */
export type MovieProps = Omit<Awaited<ReturnType<typeof handler>>, "ctx">;

/** A track's language named in the page's language (`ger` → German); the code if unknown. */
function lang(code: string | null, display: Intl.DisplayNames): string | null {
  if (!code || code === "und") return null;
  try {
    return display.of(code) ?? code;
  } catch {
    return code;
  }
}

/** The page. */
export default function Movie(props: MovieProps) {
  const t = useT();
  const { film } = props;
  const names = new Intl.DisplayNames([t.lang], { type: "language" });
  const resumable = film.userData?.resumable ?? false;
  const watched = film.userData?.watched ?? false;
  const heroBg = blurhashCss(film.backdropBlurhash);
  const posterBg = blurhashCss(film.posterBlurhash);
  return (
    <article>
      <section class="hero" style={heroBg ? { backgroundImage: heroBg } : undefined}>
        {film.backdropUrl && <img class="hero-backdrop" src={film.backdropUrl} alt="" />}
        <div class="hero-body">
          <div class="hero-poster">
            <span class="poster-art" style={posterBg ? { backgroundImage: posterBg } : undefined}>
              {film.posterUrl
                ? <img src={film.posterUrl} alt="" width={342} height={513} />
                : <span class="poster-fallback" aria-hidden="true">{film.title}</span>}
            </span>
          </div>
          <div>
            <h1>{film.title}</h1>
            <ul class="facts">
              {film.year && <li>{film.year}</li>}
              {film.runtimeMinutes && <li>{formatRuntime(t.lang, film.runtimeMinutes)}</li>}
              {film.certification && <li>{film.certification}</li>}
              {film.rating !== null && (
                <li>
                  {t("film.rating", {
                    rating: formatNumber(t.lang, film.rating, { maximumFractionDigits: 1 }),
                  })}
                </li>
              )}
              {film.resolution && <li>{film.resolution}</li>}
              {film.hdr && <li>{film.hdr.toUpperCase()}</li>}
              {watched && <li>{t("film.watched")}</li>}
            </ul>
            {film.tagline && <p class="tagline">{film.tagline}</p>}
            {film.overview && <p>{film.overview}</p>}
            {film.matchState === "needs_review" && props.canManage && (
              <p class="toast">{t("film.needsReview")}</p>
            )}
            <div class="actions">
              {props.canPlay && film.files.available > 0 && (
                <a class="button primary" href={`/play/${film.id}`}>
                  {resumable ? t("film.resume") : t("film.play")}
                </a>
              )}
            </div>
            <Island
              name="FilmActions"
              component={FilmActions}
              props={{
                lang: t.lang,
                id: film.id,
                title: film.title,
                year: film.year,
                watched,
                canTrack: props.canTrack,
                canManage: props.canManage,
                matched: film.matchState === "matched",
                candidates: (film.matchCandidates ?? []).map((c) => ({
                  tmdbId: c.tmdbId,
                  title: c.title,
                  year: c.year,
                })),
              }}
            />
            <dl class="details">
              {film.genres.length > 0 && (
                <>
                  <dt>{t("film.genres")}</dt>
                  <dd>{film.genres.join(", ")}</dd>
                </>
              )}
              {props.directors.length > 0 && (
                <>
                  <dt>{t("film.director")}</dt>
                  <dd>
                    {props.directors.map((d, i) => (
                      <span key={d.id}>
                        {i > 0 && ", "}
                        <a href={`/people/${d.id}`}>{d.name}</a>
                      </span>
                    ))}
                  </dd>
                </>
              )}
              {props.writers.length > 0 && (
                <>
                  <dt>{t("film.writers")}</dt>
                  <dd>
                    {props.writers.map((d, i) => (
                      <span key={d.id}>
                        {i > 0 && ", "}
                        <a href={`/people/${d.id}`}>{d.name}</a>
                      </span>
                    ))}
                  </dd>
                </>
              )}
              {film.collection && (
                <>
                  <dt>{t("home.collections")}</dt>
                  <dd>
                    <a href={`/collections/${film.collection.id}`}>
                      {t("film.collection", { name: film.collection.name })}
                    </a>
                  </dd>
                </>
              )}
            </dl>
          </div>
        </div>
      </section>
      {props.cast.length > 0 && (
        <section aria-labelledby="cast-title">
          <h2 id="cast-title">{t("film.cast")}</h2>
          <ul class="people">
            {props.cast.map((p) => (
              <li key={p.id}>
                <a class="person" href={`/people/${p.id}`}>
                  <span class="person-photo" aria-hidden="true">
                    {p.photo && (
                      <img src={p.photo} alt="" loading="lazy" width={185} height={278} />
                    )}
                  </span>
                  <strong>{p.name}</strong>
                  {p.character && (
                    <span class="muted">
                      <br />
                      {t("film.as", { character: p.character })}
                    </span>
                  )}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {props.similar.length > 0 && (
        <section aria-labelledby="similar-title">
          <h2 id="similar-title">{t("film.similar")}</h2>
          <ul class="chips">
            {props.similar.map((s) => (
              <li key={s.title + s.year}>
                {s.movieId
                  ? (
                    <a class="button" href={`/movies/${s.movieId}`}>
                      {s.title} {s.year && `(${s.year})`}
                    </a>
                  )
                  : <span class="muted">{s.title} {s.year && `(${s.year})`}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="versions-title">
        <h2 id="versions-title">{t("film.versions")}</h2>
        {props.files.map((f) => (
          <div class="card" key={f.id}>
            <h3>
              <code>{f.name}</code>
              {f.missing && <span class="muted">({t("film.missing")})</span>}
            </h3>
            <dl class="details">
              <dt>{t("film.size")}</dt>
              <dd>{formatBytes(t.lang, f.size)}</dd>
              <dt>{t("film.container")}</dt>
              <dd>{f.container ?? "—"}</dd>
              <dt>{t("film.video")}</dt>
              <dd>
                {f.video
                  ? [
                    f.resolution,
                    `${f.video.width}×${f.video.height}`,
                    f.video.codec + (f.video.profile ? ` (${f.video.profile})` : ""),
                    f.video.bitDepth ? `${f.video.bitDepth}-bit` : null,
                    f.hdr ? f.hdr.toUpperCase() : "SDR",
                  ].filter(Boolean).join(" · ")
                  : f.probeState === "pending"
                  ? t("film.notProbed")
                  : "—"}
              </dd>
              <dt>{t("film.audio")}</dt>
              <dd>
                {f.audio.length
                  ? (
                    <ul>
                      {f.audio.map((a, i) => (
                        <li key={i}>
                          {[lang(a.language, names), a.codec, `${a.channels} ch`, a.title]
                            .filter(Boolean).join(" · ")}
                        </li>
                      ))}
                    </ul>
                  )
                  : t("film.none")}
              </dd>
              <dt>{t("film.subtitles")}</dt>
              <dd>
                {f.subtitles.length
                  ? (
                    <ul>
                      {f.subtitles.map((s, i) => (
                        <li key={i}>
                          {[lang(s.language, names), s.codec, s.title, s.forced ? "forced" : null]
                            .filter(Boolean).join(" · ")}
                        </li>
                      ))}
                    </ul>
                  )
                  : t("film.none")}
              </dd>
            </dl>
          </div>
        ))}
      </section>
    </article>
  );
}

/** Page routes, mounted at `/movies`. */
export const moviePage = new Hono<AppEnv>().get("/:id", async (c) => {
  const { ctx, ...props } = await handler(c);
  return page(c, <Movie {...props} />, { title: props.film.title, ctx });
});
