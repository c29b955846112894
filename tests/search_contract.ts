/**
 * The search contract: the same questions to any engine, the same answers.
 * `tests/search_contract_test.ts` runs it on PostgreSQL, on Typesense's
 * local stand-in (tests/fakes/typesense.ts) and, with REVENGE_TYPESENSE_URL
 * set, on a real Typesense. `settle` makes an engine catch up with writes
 * (nothing for PostgreSQL, whose documents are written by triggers; the
 * outbox drain for Typesense).
 */
import { assert, assertEquals } from "./assert.ts";
import type { Sql } from "../lib/db/client.ts";
import type { EngineQuery, SearchEngine } from "../lib/search/engine.ts";
import { movieRows } from "./movie_rows.ts";

/** An engine under test. */
export interface ContractEngine {
  engine: SearchEngine;
  settle(): Promise<void>;
}

/** The films of the contract, by key. */
export type Films = Record<string, string>;

/** Inserts the contract's films in two libraries; answers their ids. */
export async function contractFilms(
  sql: Sql,
): Promise<{ films: Films; libA: string; libB: string }> {
  const rows = movieRows(sql);
  const libA = await rows.library("Films");
  const libB = await rows.library("Kids");
  const trilogy = await rows.collection("The Godfather Collection", 230);
  const add = async (
    lib: string,
    f: Parameters<typeof rows.film>[1] & { popularity?: number },
    o: {
      genres?: string[];
      resolution?: string;
      hdr?: string;
      cast?: string[];
      director?: string;
    } = {},
  ) => {
    const id = await rows.film(lib, f);
    if (f.popularity !== undefined) {
      await sql`update movies set popularity = ${f.popularity} where id = ${id}`;
    }
    if (o.resolution) await rows.file(id, { resolution: o.resolution, hdr: o.hdr ?? null });
    if (o.genres) await rows.genres(id, ...o.genres);
    let position = 0;
    for (const name of o.cast ?? []) {
      await rows.credit(id, { name, kind: "cast", position: position++ });
    }
    if (o.director) {
      await rows.credit(id, {
        name: o.director,
        kind: "crew",
        position: 0,
        job: "Director",
        department: "Directing",
      });
    }
    return id;
  };
  const films: Films = {
    godfather: await add(libA, {
      title: "The Godfather",
      year: 1972,
      rating: 8.7,
      popularity: 90,
      collectionId: trilogy,
      overview: "The aging patriarch of an organized crime dynasty transfers control.",
    }, {
      genres: ["Drama", "Crime"],
      resolution: "1080p",
      cast: ["Marlon Brando", "Al Pacino"],
      director: "Francis Ford Coppola",
    }),
    godfather2: await add(libA, {
      title: "The Godfather Part II",
      year: 1974,
      rating: 8.6,
      popularity: 60,
      collectionId: trilogy,
      overview: "The early life and career of Vito Corleone.",
    }, {
      genres: ["Drama", "Crime"],
      resolution: "2160p",
      hdr: "hdr10",
      cast: ["Al Pacino", "Robert De Niro"],
      director: "Francis Ford Coppola",
    }),
    amelie: await add(libA, {
      title: "Amélie",
      originalTitle: "Le Fabuleux Destin d'Amélie Poulain",
      year: 2001,
      rating: 7.9,
      popularity: 40,
      overview: "A shy waitress decides to change the lives of those around her.",
    }, {
      genres: ["Comedy", "Romance"],
      resolution: "1080p",
      cast: ["Audrey Tautou"],
      director: "Jean-Pierre Jeunet",
    }),
    spirited: await add(libA, {
      title: "Spirited Away",
      originalTitle: "千と千尋の神隠し",
      year: 2001,
      rating: 8.5,
      popularity: 70,
      overview: "A girl wanders into a world ruled by gods and witches.",
    }, {
      genres: ["Animation", "Fantasy"],
      resolution: "1080p",
      cast: ["Rumi Hiiragi"],
      director: "Hayao Miyazaki",
    }),
    inception: await add(libA, {
      title: "Inception",
      year: 2010,
      rating: 8.4,
      popularity: 95,
      overview: "A thief who steals corporate secrets through dream-sharing technology.",
    }, {
      genres: ["Action", "Science Fiction"],
      resolution: "2160p",
      hdr: "dolby_vision",
      cast: ["Leonardo DiCaprio"],
      director: "Christopher Nolan",
    }),
    interstellar: await add(libA, {
      title: "Interstellar",
      year: 2014,
      rating: 8.4,
      popularity: 85,
      overview: "Explorers travel through a wormhole in space.",
    }, {
      genres: ["Adventure", "Science Fiction"],
      resolution: "2160p",
      cast: ["Matthew McConaughey"],
      director: "Christopher Nolan",
    }),
    starwars5: await add(libA, {
      title: "The Empire Strikes Back",
      originalTitle: "Star Wars: Episode V - The Empire Strikes Back",
      year: 1980,
      rating: 8.4,
      popularity: 80,
      overview: "The Rebels scatter after the Empire attacks.",
    }, {
      genres: ["Adventure", "Science Fiction"],
      resolution: "1080p",
      cast: ["Mark Hamill"],
      director: "Irvin Kershner",
    }),
    nofile: await add(libA, { title: "Metropolis", year: 1927, rating: 8.1, popularity: 10 }, {
      genres: ["Drama"],
    }),
    // The other library: a user of libA alone never sees these.
    toystory: await add(libB, {
      title: "Toy Story",
      year: 1995,
      rating: 8.0,
      popularity: 75,
      overview: "A cowboy doll is threatened by a new spaceman figure.",
    }, {
      genres: ["Animation", "Comedy"],
      resolution: "1080p",
      cast: ["Tom Hanks"],
      director: "John Lasseter",
    }),
    godfatherKids: await add(libB, {
      title: "Godfather Junior",
      year: 2003,
      rating: 5.0,
      popularity: 5,
      overview: "Secret kids of a godfather.",
    }, {
      genres: ["Comedy"],
      resolution: "720p",
      cast: ["Hidden Actor"],
      director: "Secret Director",
    }),
  };
  return { films, libA, libB };
}

/** Runs the contract as steps of `t`. */
export async function runContract(
  t: Deno.TestContext,
  sql: Sql,
  make: () => Promise<ContractEngine>,
): Promise<void> {
  const { films, libA, libB } = await contractFilms(sql);
  const [{ id: userId }] = await sql<{ id: string }[]>`
    insert into users (username, password_hash, password_changed_at, created_at, updated_at)
    values (${"contract" + crypto.randomUUID().slice(0, 8)}, 'x', now(), now(), now())
    returning id`;
  await sql`insert into watch_progress (user_id, movie_id, watched, play_count, watched_at)
    values (${userId}, ${films.inception}, true, 1, now())`;
  const { engine, settle } = await make();
  await engine.reindex();
  await settle();
  const onlyA = new Set([libA]);
  const base: Omit<EngineQuery, "text"> = {
    userId,
    access: "all",
    filters: {},
    sort: "relevance",
    limit: 20,
    offset: 0,
  };
  const ask = (text: string, more: Partial<EngineQuery> = {}) =>
    engine.search({ ...base, text, ...more });
  const top = async (text: string, more: Partial<EngineQuery> = {}) =>
    (await ask(text, more)).ids[0];

  await t.step(`${engine.name}: an exact title ranks first`, async () => {
    assertEquals(await top("The Godfather"), films.godfather);
    assertEquals(await top("interstellar"), films.interstellar);
  });
  await t.step(`${engine.name}: prefixes while typing find the film`, async () => {
    for (const p of ["inc", "incep", "incepti"]) assertEquals(await top(p), films.inception, p);
    for (const p of ["interst", "spirited aw"]) {
      assert(
        (await ask(p)).ids.slice(0, 3).includes(
          p.startsWith("i") ? films.interstellar : films.spirited,
        ),
        p,
      );
    }
  });
  await t.step(`${engine.name}: one and two typos are forgiven`, async () => {
    assertEquals(await top("godfater"), films.godfather, "one typo");
    assert((await ask("the godfahter")).ids.slice(0, 2).includes(films.godfather), "two typos");
    assertEquals(await top("inceptoin"), films.inception, "transposition");
    assertEquals(await top("interstelar"), films.interstellar);
  });
  await t.step(`${engine.name}: accents are ignored`, async () => {
    assertEquals(await top("amelie"), films.amelie);
    assertEquals(await top("AMÉLIE"), films.amelie);
  });
  await t.step(`${engine.name}: original titles are searched`, async () => {
    assertEquals(await top("fabuleux destin"), films.amelie);
    assertEquals(await top("千と千尋の神隠し"), films.spirited);
    assert((await ask("star wars episode v")).ids.slice(0, 3).includes(films.starwars5));
  });
  await t.step(`${engine.name}: a person's name finds their films`, async () => {
    const ids = (await ask("Audrey Tautou")).ids;
    assertEquals(ids[0], films.amelie);
    const pacino = (await ask("al pacino")).ids.slice(0, 2);
    assertEquals(new Set(pacino), new Set([films.godfather, films.godfather2]));
  });
  await t.step(`${engine.name}: a director finds their films, and filters them`, async () => {
    const ids = (await ask("christopher nolan")).ids.slice(0, 2);
    assertEquals(new Set(ids), new Set([films.inception, films.interstellar]));
    const r = await engine.search({ ...base, filters: { director: "Christopher Nolan" } });
    assertEquals(new Set(r.ids), new Set([films.inception, films.interstellar]));
  });
  await t.step(`${engine.name}: facet counts follow the filters chosen`, async () => {
    const all = await engine.search({ ...base, access: onlyA });
    assertEquals(all.total, 8);
    const count = (fs: { value: string; count: number }[], v: string) =>
      fs.find((f) => f.value === v)?.count ?? 0;
    assertEquals(count(all.facets!.genres, "Science Fiction"), 3);
    assertEquals(count(all.facets!.decades, "2000"), 2);
    assertEquals(count(all.facets!.resolutions, "2160p"), 3);
    assertEquals(count(all.facets!.hasFile, "false"), 1);
    assertEquals(count(all.facets!.watched, "true"), 1);
    assertEquals(count(all.facets!.directors, "Christopher Nolan"), 2);
    assertEquals(count(all.facets!.collections, "The Godfather Collection"), 2);
    const sf = await engine.search({
      ...base,
      access: onlyA,
      filters: { genres: ["science fiction"] },
    });
    assertEquals(sf.total, 3);
    assertEquals(count(sf.facets!.resolutions, "2160p"), 2);
    assertEquals(count(sf.facets!.resolutions, "1080p"), 1);
    assertEquals(count(sf.facets!.genres, "Drama"), 0);
    const hdr = await engine.search({
      ...base,
      access: onlyA,
      filters: { hdr: true, decade: 2010 },
    });
    assertEquals(new Set(hdr.ids), new Set([films.inception]));
    const watched = await engine.search({ ...base, access: onlyA, filters: { watched: true } });
    assertEquals(watched.ids, [films.inception]);
    const unwatched = await engine.search({
      ...base,
      access: onlyA,
      filters: { watched: false, year: 2001 },
    });
    assertEquals(new Set(unwatched.ids), new Set([films.amelie, films.spirited]));
    const text = await ask("godfather", { access: onlyA });
    assertEquals(count(text.facets!.genres, "Crime"), 2);
  });
  await t.step(`${engine.name}: sorts`, async () => {
    const q = { ...base, access: onlyA } as EngineQuery;
    assertEquals((await engine.search({ ...q, sort: "year" })).ids[0], films.interstellar);
    assertEquals((await engine.search({ ...q, sort: "year", order: "asc" })).ids[0], films.nofile);
    assertEquals((await engine.search({ ...q, sort: "title" })).ids[0], films.amelie);
    assertEquals((await engine.search({ ...q, sort: "rating" })).ids[0], films.godfather);
    assertEquals((await engine.search({ ...q, sort: "popularity" })).ids[0], films.inception);
  });
  await t.step(`${engine.name}: paging`, async () => {
    const q = { ...base, access: onlyA, sort: "title" } as EngineQuery;
    const all = (await engine.search({ ...q, limit: 8 })).ids;
    const p1 = await engine.search({ ...q, limit: 3, offset: 0 });
    const p2 = await engine.search({ ...q, limit: 3, offset: 3 });
    const p3 = await engine.search({ ...q, limit: 3, offset: 6 });
    assertEquals([...p1.ids, ...p2.ids, ...p3.ids], all);
    assertEquals(p3.total, 8);
    assertEquals(p3.ids.length, 2);
  });
  await t.step(
    `${engine.name}: another library's films are never answered or counted`,
    async () => {
      const r = await ask("godfather", { access: onlyA });
      assert(!r.ids.includes(films.godfatherKids));
      assertEquals((await ask("toy story", { access: onlyA })).ids, []);
      assertEquals(r.facets!.libraries.map((l) => l.value), [libA]);
      assert(!r.facets!.directors.some((d) => d.value === "Secret Director"));
      const none = await ask("godfather", { access: new Set() });
      assertEquals(none.total, 0);
      const sugg = await engine.autocomplete({
        text: "hidden actor",
        userId,
        access: onlyA,
        limit: 10,
      });
      assertEquals(sugg, []);
      const secret = await engine.autocomplete({ text: "toy", userId, access: onlyA, limit: 10 });
      assertEquals(secret, []);
      const both = await ask("godfather", { access: new Set([libA, libB]) });
      assert(both.ids.includes(films.godfatherKids));
      assertEquals((await ask("toy story", { access: new Set([libB]) })).ids[0], films.toystory);
    },
  );
  await t.step(`${engine.name}: autocomplete suggests films, people and collections`, async () => {
    const s = await engine.autocomplete({ text: "godf", userId, access: onlyA, limit: 10 });
    assert(s.length <= 10);
    assertEquals(s[0], { type: "movie", id: films.godfather, title: "The Godfather", year: 1972 });
    assert(s.some((x) => x.type === "collection" && x.name === "The Godfather Collection"));
    const p = await engine.autocomplete({ text: "nolan", userId, access: onlyA, limit: 10 });
    assert(p.some((x) => x.type === "person" && x.name === "Christopher Nolan"));
  });
  await t.step(`${engine.name}: a changed film is found by its new title at once`, async () => {
    await sql`update movies set title = 'Zardoz Returns', sort_title = 'zardoz returns'
      where id = ${films.nofile}`;
    await settle();
    assertEquals(await top("zardoz returns"), films.nofile);
    assertEquals(await top("zardoz retu"), films.nofile);
    assert(!(await ask("metropolis")).ids.includes(films.nofile));
    await sql`insert into movie_genres (movie_id, genre) values (${films.nofile}, 'Cult')`;
    await settle();
    assertEquals((await engine.search({ ...base, filters: { genres: ["cult"] } })).ids, [
      films.nofile,
    ]);
  });
  await t.step(`${engine.name}: a deleted film is gone at once`, async () => {
    await sql`delete from movies where id = ${films.interstellar}`;
    await settle();
    assert(!(await ask("interstellar")).ids.includes(films.interstellar));
    const nolan = await engine.search({ ...base, filters: { director: "Christopher Nolan" } });
    assertEquals(nolan.ids, [films.inception]);
  });
}
