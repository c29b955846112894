/**
 * The PostgreSQL search engine's SQL. A search is two stages:
 *
 * 1. Candidates, each arm served by an index and LIMITed: title and original
 *    title prefixes (btree text_pattern_ops, migration 0041: exact titles are
 *    prefixes of themselves), the weighted document against the words as
 *    typed (GIN), and the document against the words with misspellings
 *    corrected through the vocabulary `search_words` (trigrams on short
 *    words). Only when all of that finds nothing, trigrams against whole
 *    titles (`%`, `<%`), the last resort for a typo the words cannot fix.
 * 2. Ranking of those few hundred rows: exact title → title prefix →
 *    full-text rank → similarity (corrected and trigram matches), popularity
 *    breaking ties.
 *
 * The total is exact while no arm was cut at its limit, else a count capped
 * at TOTAL_CAP; facet counts run over the whole match set only when asked for.
 * The documents are kept by triggers (migrations 0027, 0041); this repo only
 * reads them, or asks for them to be rebuilt. User text reaches SQL only as
 * bound parameters: the tsqueries are built in SQL from quote_literal()'d words.
 */
import type postgres from "postgres";
import type { Queryable, Sql } from "./client.ts";
import {
  type EngineQuery,
  type EngineResult,
  type FacetCount,
  type Facets,
  type LibraryAccess,
  noFacets,
  type SearchFilters,
  type Suggestion,
} from "../model/search.ts";

type Fragment = postgres.Fragment;

/** The folded query and what is derived from it. */
interface Prepared {
  qn: string;
  /** Every word as typed, each a prefix ('the':* & 'godf':*). */
  tsq: string;
  /** Each word or one of its corrections; null when no word needed one. */
  fixed: string | null;
  prefix: string;
}

// Trigram thresholds for `%` and `<%` (set per transaction, so they cannot leak
// into other queries on the pooled connection). 0.5 on words lets one or two
// typos in a title word through, not unrelated titles sharing a short word.
const SIMILARITY = "0.3";
const WORD_SIMILARITY = "0.5";
/** Rows each candidate arm may bring (at least offset + limit). */
const ARM_LIMIT = 100;
/** Counting stops here: "1,000 or more" is all a result page needs to say. */
const TOTAL_CAP = 1000;
/** Corrections tried per misspelt word. */
const CORRECTIONS = 4;

function visible(db: Queryable, access: LibraryAccess): Fragment {
  if (access === "all") return db`true`;
  const ids = [...access];
  if (ids.length === 0) return db`false`;
  return db`s.library_id = any(${ids}::uuid[])`;
}

function filterSql(db: Queryable, f: SearchFilters): Fragment {
  let where = db`true`;
  const and = (c: Fragment) => (where = db`${where} and ${c}`);
  if (f.genres?.length) {
    const lower = f.genres.map((g) => g.toLowerCase());
    and(db`exists (select 1 from unnest(s.genres) g where lower(g) = any(${lower}::text[]))`);
  }
  if (f.year !== undefined) and(db`s.year = ${f.year}`);
  if (f.decade !== undefined) and(db`s.year between ${f.decade} and ${f.decade + 9}`);
  if (f.resolution) and(db`s.resolution = ${f.resolution}`);
  if (f.hdr === true) and(db`s.hdr is not null`);
  else if (f.hdr === false) and(db`s.hdr is null`);
  else if (typeof f.hdr === "string") and(db`s.hdr = ${f.hdr}`);
  if (f.hasFile !== undefined) and(db`s.has_file = ${f.hasFile}`);
  if (f.watched !== undefined) and(db`coalesce(wp.watched, false) = ${f.watched}`);
  if (f.libraryId) and(db`s.library_id = ${f.libraryId}::uuid`);
  if (f.director) and(db`${f.director} = any(s.directors)`);
  if (f.collection) and(db`${f.collection} = any(s.collections)`);
  return where;
}

/** Every film the query matches (facets and the capped count; the candidates are these, cut). */
function matchSql(db: Queryable, p: Prepared | null): Fragment {
  if (!p) return db`true`;
  return db`(s.title_fold like ${p.prefix} or (s.original_fold <> ''
    and s.original_fold like ${p.prefix}) or s.document @@ ${p.fixed ?? p.tsq}::tsquery)`;
}

/** The last resort: trigrams against whole titles. */
function fuzzySql(db: Queryable, p: Prepared): Fragment {
  // Word similarity only: `title_fold % query` (whole-string similarity) lets
  // the common trigrams of a query ("the", " th") through the index and
  // rechecks some 18,000 titles; `<%` asks for most of the query's trigrams in
  // one stretch of the title, which few titles have.
  return db`(${p.qn} <% s.title_fold or (s.original_fold <> '' and ${p.qn} <% s.original_fold))`;
}

function tierSql(db: Queryable, p: Prepared | null): Fragment {
  if (!p) return db`0`;
  return db`case when s.title_fold = ${p.qn} or s.original_fold = ${p.qn} then 3
    when s.title_fold like ${p.prefix} or s.original_fold like ${p.prefix} then 2
    when s.document @@ ${p.tsq}::tsquery then 1 else 0 end`;
}

function scoreSql(db: Queryable, p: Prepared | null): Fragment {
  if (!p) return db`0`;
  // Rounded so that near-equal scores fall to popularity.
  return db`round((case
    when s.title_fold = ${p.qn} or s.original_fold = ${p.qn}
      or s.title_fold like ${p.prefix} or s.original_fold like ${p.prefix}
      then greatest(similarity(s.title_fold, ${p.qn}), similarity(s.original_fold, ${p.qn}))
    when s.document @@ ${p.tsq}::tsquery then ts_rank(s.document, ${p.tsq}::tsquery)
    else greatest(word_similarity(${p.qn}, s.title_fold), similarity(s.title_fold, ${p.qn}),
      word_similarity(${p.qn}, s.original_fold), 0.9 * word_similarity(${p.qn}, s.people_fold))
    end)::numeric, 2)`;
}

function orderSql(db: Queryable, q: EngineQuery, hasText: boolean): Fragment {
  const desc = q.order !== "asc";
  const dir = (asc: boolean) => (asc ? db`asc nulls last` : db`desc nulls last`);
  switch (q.sort === "relevance" && !hasText ? "title" : q.sort) {
    case "title":
      return db`m.sort_title ${dir(q.order !== "desc")}, m.id`;
    case "year":
      return db`m.year ${dir(!desc)}, m.sort_title, m.id`;
    case "added":
      return db`m.added_at ${dir(!desc)}, m.id`;
    case "rating":
      return db`m.rating ${dir(!desc)}, m.popularity desc nulls last, m.id`;
    case "popularity":
      return db`m.popularity ${dir(!desc)}, m.sort_title, m.id`;
    default:
      return db`tier desc, score desc, m.popularity desc nulls last, m.sort_title, m.id`;
  }
}

type FacetRow = Record<keyof Facets, FacetCount[] | null>;

/** Creates the repo. */
export function createSearchPgRepo(sql: Sql) {
  async function prepare(db: Queryable, text: string | undefined): Promise<Prepared | null> {
    if (!text) return null;
    // A word needs correcting when the vocabulary lacks it (the last word, being
    // typed, when no word starts with it) and it is long enough to say what was
    // meant; its corrections are the closest words by trigram similarity, or by
    // word similarity (a misspelt beginning of a longer word).
    const [row] = await db<{ qn: string | null; tsq: string | null; fixed: string | null }[]>`
      with g as materialized (${settings(db)}),
      n as (select search_norm(${text}) as qn from g),
      w as (select u.t, u.i, u.i = max(u.i) over () as last
        from n, unnest(string_to_array(n.qn, ' ')) with ordinality u (t, i) where u.t <> ''),
      f as materialized (select w.t, w.i, w.last, case when length(w.t) not between 4 and 40
          or exists (select 1 from search_words v where v.word = w.t)
          or (w.last and exists (select 1 from search_words v where v.word >= w.t collate "C"
            and v.word <= (w.t || chr(1114111)) collate "C"))
          then null
          else array(select c.word from (
              (select v.word from search_words v where v.word % w.t limit 200)
              union (select v.word from search_words v where w.t <% v.word limit 200)) c
            -- Fewest edits first (for the word being typed, edits to the
            -- beginning of the word of that length), then trigram likeness.
            order by least(levenshtein(w.t, c.word),
                case when w.last then levenshtein(w.t, left(c.word, length(w.t))) end),
              similarity(c.word, w.t) desc, c.word
            limit ${CORRECTIONS}) end as fixes
        from w)
      select n.qn,
        (select to_tsquery('simple', string_agg(quote_literal(t) || case when last then ':*' else ''
          end, ' & ' order by i))::text from w) as tsq,
        (select case when bool_or(cardinality(fixes) > 0) then to_tsquery('simple',
          string_agg('(' || quote_literal(t) || case when last then ':*' else '' end
            || coalesce((select string_agg(
            ' | ' || quote_literal(x), '') from unnest(fixes) x), '') || ')', ' & ' order by i))::text
          end from f) as fixed
      from n`;
    if (!row?.qn) return null;
    const escaped = row.qn.replace(/[\\%_]/g, (c) => "\\" + c);
    return { qn: row.qn, tsq: row.tsq ?? "", fixed: row.fixed, prefix: escaped + "%" };
  }

  /**
   * Trigram thresholds, and custom plans always (a prepared statement's generic
   * plan cannot turn `like $1` into a btree range, not knowing the prefix, and
   * would scan every document once PostgreSQL switched to it after five runs).
   * Local to the transaction, so nothing leaks into other queries on the pooled
   * connection. Run first by prepare()'s statement (a materialized CTE the
   * rest depends on), which saves a round trip per keystroke.
   */
  function settings(db: Queryable): Fragment {
    return db`select set_config('pg_trgm.similarity_threshold', ${SIMILARITY}, true),
      set_config('pg_trgm.word_similarity_threshold', ${WORD_SIMILARITY}, true),
      set_config('plan_cache_mode', 'force_custom_plan', true)`;
  }

  /** The watch state of the asker, joined only when a filter needs it. */
  function watchJoin(db: Queryable, q: EngineQuery, always = false): Fragment {
    return always || q.filters.watched !== undefined
      ? db`left join watch_progress wp on wp.movie_id = s.movie_id and wp.user_id = ${q.userId}::uuid`
      : db``;
  }

  /**
   * The candidate arms (see the header), each index-backed and cut at `cut`
   * rows; `fuzzy` asks for the last resort instead.
   */
  function candidates(
    db: Queryable,
    q: EngineQuery,
    p: Prepared,
    cut: number,
    fuzzy: boolean,
  ): Fragment {
    const head = db`select s.movie_id from search_movies s ${watchJoin(db, q)}
      where ${visible(db, q.access)} and ${filterSql(db, q.filters)}`;
    const pop = db`s.popularity desc nulls last`;
    if (fuzzy) {
      return db`(select 0 as arm, x.movie_id from (${head} and ${fuzzySql(db, p)}
        order by greatest(similarity(s.title_fold, ${p.qn}), word_similarity(${p.qn}, s.title_fold),
          word_similarity(${p.qn}, s.original_fold)) desc, ${pop} limit ${cut}) x)`;
    }
    const text = (tsq: string) =>
      db`${head} and s.document @@ ${tsq}::tsquery
        order by ts_rank(s.document, ${tsq}::tsquery) desc, ${pop} limit ${cut}`;
    return db`(select 1 as arm, x.movie_id from (${head} and s.title_fold like ${p.prefix}
        order by length(s.title_fold), ${pop} limit ${cut}) x)
      union all (select 2, x.movie_id from (${head} and s.original_fold <> ''
        and s.original_fold like ${p.prefix} order by length(s.original_fold), ${pop}
        limit ${cut}) x)
      union all (select 3, x.movie_id from (${text(p.tsq)}) x)
      ${p.fixed ? db`union all (select 4, x.movie_id from (${text(p.fixed)}) x)` : db``}`;
  }

  /** Ranks the candidates: the page, how many there were, and whether an arm was cut. */
  async function ranked(db: Queryable, q: EngineQuery, p: Prepared, fuzzy: boolean) {
    const cut = Math.max(ARM_LIMIT, q.offset + q.limit);
    const rows = await db<{ id: string | null; found: number; cut: boolean }[]>`
      with c as materialized (${candidates(db, q, p, cut, fuzzy)}),
        d as (select distinct movie_id from c),
        stats as (select (select count(*)::int from d) as found,
          coalesce((select max(n) >= ${cut} from (select count(*) as n from c group by arm) a),
            false) as cut),
        page as (select m.id, ${tierSql(db, p)} as tier, ${scoreSql(db, p)} as score,
            m.popularity, m.sort_title
          from d join search_movies s on s.movie_id = d.movie_id join movies m on m.id = s.movie_id
          order by tier desc, score desc, m.popularity desc nulls last, m.sort_title, m.id
          limit ${q.limit} offset ${q.offset})
      select page.id, stats.found, stats.cut from stats left join page on true
      order by page.tier desc, page.score desc, page.popularity desc nulls last, page.sort_title,
        page.id`;
    return {
      ids: rows.flatMap((r) => (r.id ? [r.id] : [])),
      found: rows[0]?.found ?? 0,
      cut: rows[0]?.cut ?? false,
    };
  }

  return {
    /** Matching film ids in order, their count and (unless asked not to) facet counts. */
    search(q: EngineQuery): Promise<EngineResult> {
      return sql.begin(async (tx) => {
        const p = await prepare(tx, q.text);
        if (q.text && !p) {
          return { ids: [], total: 0, facets: q.facets === false ? null : noFacets() };
        }
        // The whole match set: by words, or (when they find nothing) by the last resort.
        const fromOf = (fuzzy: boolean) =>
          tx`from search_movies s join movies m on m.id = s.movie_id
          ${watchJoin(tx, q, true)}
          where ${visible(tx, q.access)} and ${filterSql(tx, q.filters)}
            and ${fuzzy && p ? fuzzySql(tx, p) : matchSql(tx, p)}`;
        let fuzzy = false;
        let ids: string[];
        let total: number;
        if (p && q.sort === "relevance") {
          // Candidates, then ranking; the trigram last resort only when nothing matched.
          let r = await ranked(tx, q, p, false);
          if (r.found === 0) {
            fuzzy = true;
            r = await ranked(tx, q, p, true);
          }
          ids = r.ids;
          total = r.found;
          if (r.cut) {
            const [{ n }] = await tx<{ n: number }[]>`
              select count(*)::int as n from (select 1 ${fromOf(fuzzy)} limit ${TOTAL_CAP}) x`;
            total = Math.max(n, r.found);
          }
        } else {
          // Browsing, or another order: every match in that order.
          const page = async () => {
            const from = fromOf(fuzzy);
            const rows = await tx<{ id: string; total: number }[]>`
              select m.id, ${tierSql(tx, p)} as tier, ${scoreSql(tx, p)} as score,
                count(*) over ()::int as total
              ${from}
              order by ${orderSql(tx, q, p !== null)}
              limit ${q.limit} offset ${q.offset}`;
            let n = rows[0]?.total ?? 0;
            if (!rows.length) {
              [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n ${from}`;
            }
            return { ids: rows.map((r) => r.id), total: n };
          };
          let r = await page();
          if (p && r.total === 0) {
            fuzzy = true;
            r = await page();
          }
          ({ ids, total } = r);
        }
        const facets = q.facets === false ? null : await facetsOf(tx, fromOf(fuzzy));
        return { ids, total, facets };
      });
    },

    /** Films, people and collections whose names match, for a search box. */
    autocomplete(
      q: { text: string; userId: string; access: LibraryAccess; limit: number },
    ): Promise<Suggestion[]> {
      return sql.begin(async (tx) => {
        const p = await prepare(tx, q.text);
        if (!p) return [];
        const query: EngineQuery = {
          text: q.text,
          userId: q.userId,
          access: q.access,
          filters: {},
          sort: "relevance",
          limit: q.limit,
          offset: 0,
          facets: false,
        };
        let r = await ranked(tx, query, p, false);
        if (r.found === 0) r = await ranked(tx, query, p, true);
        const found = r.ids.length
          ? await tx<{ id: string; title: string; year: number | null }[]>`
            select m.id, m.title, m.year from movies m where m.id = any(${r.ids}::uuid[])`
          : [];
        const byId = new Map(found.map((f) => [f.id, f]));
        const films = r.ids.flatMap((id) => byId.get(id) ?? []);
        const access = q.access === "all" ? null : [...q.access];
        const contains = "%" + p.prefix.slice(0, -1) + "%";
        // A person or collection is suggested only through a film the asker may see.
        // Candidates first (names that start with the query through the btree of
        // migration 0042, and names containing it or like it through trigrams),
        // each arm cut, so a common first name does not rank thousands of people.
        const people = await tx<{ id: string; name: string }[]>`
          with c as (
            (select p.id from people p where search_norm(p.name) like ${p.prefix} limit 30)
            union
            (select p.id from people p where search_norm(p.name) like ${contains}
              or ${p.qn} <% search_norm(p.name) limit 60))
          select p.id, p.name from c join people p on p.id = c.id
          where exists (select 1 from movie_credits mc join movies m on m.id = mc.movie_id
            where mc.person_id = p.id and (${access}::uuid[] is null
              or m.library_id = any(${access}::uuid[])))
          order by search_norm(p.name) like ${p.prefix} desc,
            word_similarity(${p.qn}, search_norm(p.name)) desc, p.name, p.id
          limit 3`;
        const collections = await tx<{ id: string; name: string }[]>`
          select c.id, c.name from collections c
          where (search_norm(c.name) like ${contains} or ${p.qn} <% search_norm(c.name))
            and exists (select 1 from movies m
              where (m.collection_id = c.id
                or m.id in (select cm.movie_id from collection_movies cm
                  where cm.collection_id = c.id))
                and (${access}::uuid[] is null or m.library_id = any(${access}::uuid[])))
          order by search_norm(c.name) like ${p.prefix} desc,
            word_similarity(${p.qn}, search_norm(c.name)) desc, c.name, c.id
          limit 2`;
        const others = [
          ...people.map((x): Suggestion => ({ type: "person", id: x.id, name: x.name })),
          ...collections.map((x): Suggestion => ({ type: "collection", id: x.id, name: x.name })),
        ];
        const movies = films.slice(0, Math.max(q.limit - others.length, q.limit - 5))
          .map((f): Suggestion => ({ type: "movie", id: f.id, title: f.title, year: f.year }));
        return [...movies, ...others].slice(0, q.limit);
      });
    },

    /** Rebuilds every document; answers how many there are. */
    async refreshAll(): Promise<number> {
      const [{ n }] = await sql<{ n: number }[]>`select search_refresh_all() as n`;
      return n;
    },

    /** Rebuilds the documents of these films (those gone are left out). */
    async refresh(ids: string[]): Promise<void> {
      await sql`select search_refresh(${ids}::uuid[])`;
    },

    /** How many documents there are. */
    async count(): Promise<number> {
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from search_movies`;
      return n;
    },
  };

  async function facetsOf(tx: Queryable, from: Fragment): Promise<Facets> {
    const facet = (expr: Fragment, limit = 50) =>
      tx`(select coalesce(json_agg(json_build_object('value', v, 'count', c)
        order by c desc, v), '[]') from (select v, count(*)::int as c from hits, ${expr}
        where v is not null group by v order by c desc, v limit ${limit}) x)`;
    const [row] = await tx<FacetRow[]>`
      with hits as materialized (select s.library_id, s.genres, s.year, s.resolution, s.hdr,
        s.has_file, s.directors, s.collections, coalesce(wp.watched, false) as watched ${from})
      select ${facet(tx`unnest(hits.genres) v`)} as genres,
        ${facet(tx`lateral (select ((hits.year / 10) * 10)::text) d (v)`)} as decades,
        ${facet(tx`lateral (select hits.year::text) y (v)`, 200)} as years,
        ${facet(tx`lateral (select hits.resolution) r (v)`)} as resolutions,
        ${facet(tx`lateral (select coalesce(hits.hdr, 'sdr')) h (v)`)} as hdr,
        ${facet(tx`lateral (select hits.has_file::text) f (v)`)} as "hasFile",
        ${facet(tx`unnest(hits.directors) v`, 30)} as directors,
        ${facet(tx`unnest(hits.collections) v`, 30)} as collections,
        ${facet(tx`lateral (select hits.watched::text) w (v)`)} as watched,
        ${facet(tx`lateral (select hits.library_id::text) l (v)`)} as libraries`;
    const out = noFacets();
    for (const k of Object.keys(out) as (keyof Facets)[]) out[k] = row[k] ?? [];
    return out;
  }
}

/** The repo's type. */
export type SearchPgRepo = ReturnType<typeof createSearchPgRepo>;
