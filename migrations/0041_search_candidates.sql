-- Search at 50,000 films (issue 13): what the PostgreSQL engine's new query
-- (lib/db/search_pg_repo.ts) needs to find candidates through indexes alone.
--
-- 1. Title and original-title prefixes (and exact titles, a prefix of
--    themselves) through btree text_pattern_ops indexes that carry the
--    library and popularity, so "the god" is a range scan, not a trigram
--    search or a scan of every document.
-- 2. A vocabulary of the words of titles, people and collections (the
--    document's A and B weights) with a trigram index: a misspelt word of
--    the query ("godfater") is corrected against ~10,000 short words (fast
--    and precise), and the corrected words search the document through its
--    GIN index. Trigram matching against whole titles and people lists (the
--    former `<%` on people_fold) read thousands of rows per keystroke.
--    Words are only added (a word whose last film went is a harmless extra
--    candidate); a full reindex rebuilds the vocabulary.
-- 3. popularity in the document, so candidates are ordered without a join.
alter table search_movies add column popularity real;
update search_movies s set popularity = m.popularity from movies m where m.id = s.movie_id;
create index search_movies_title_prefix_idx on search_movies (title_fold text_pattern_ops)
  include (library_id, popularity);
create index search_movies_original_prefix_idx on search_movies
  (original_fold text_pattern_ops) include (library_id, popularity) where original_fold <> '';
-- Nothing searches people_fold through trigrams any more (it is scored on candidates only).
drop index search_movies_people_trgm_idx;

-- "C" collation: the primary key also serves `word like 'prefix%'`.
create table search_words (word text collate "C" primary key);
insert into search_words (word)
select distinct w from search_movies s, unnest(tsvector_to_array(ts_filter(s.document, '{a,b}'))) w
where length(w) between 3 and 40;
-- fastupdate off: new words are few and arrive one film at a time; a pending
-- list would be scanned in full by every lookup (and makes the planner prefer
-- a sequential scan) until a vacuum merged it.
create index search_words_trgm_idx on search_words using gin (word gin_trgm_ops)
  with (fastupdate = off);
analyze search_words;

-- As in 0027, plus popularity and the vocabulary.
create or replace function search_refresh(ids uuid[]) returns void language plpgsql as $$
begin
  if ids is null or cardinality(ids) = 0 then return; end if;
  insert into search_movies as s (movie_id, library_id, title_fold, original_fold, people_fold,
    directors, collections, genres, year, resolution, hdr, has_file, document, refreshed_at,
    popularity)
  select m.id, m.library_id, search_norm(m.title), coalesce(search_norm(m.original_title), ''),
    search_norm(concat_ws(' ', p.cast_names, p.director_names)),
    coalesce(p.directors, '{}'), coalesce(c.names, '{}'), coalesce(g.genres, '{}'),
    m.year, f.resolution, f.hdr, coalesce(f.has_file, false),
    setweight(to_tsvector('simple', search_fold(concat_ws(' ', m.title, m.original_title))), 'A')
      || setweight(to_tsvector('simple', coalesce(search_fold(concat_ws(' ',
        p.cast_names, p.director_names, array_to_string(c.names, ' '))), '')), 'B')
      || setweight(to_tsvector('simple', coalesce(search_fold(concat_ws(' ',
        m.tagline, m.overview)), '')), 'C'),
    now(), m.popularity
  from movies m
  left join lateral (
    select string_agg(pe.name, ' ' order by mc.position) filter (where mc.kind = 'cast'
        and mc.position < 20) as cast_names,
      string_agg(pe.name, ' ') filter (where mc.job = 'Director') as director_names,
      array_agg(distinct pe.name) filter (where mc.job = 'Director') as directors
    from movie_credits mc join people pe on pe.id = mc.person_id
    where mc.movie_id = m.id
  ) p on true
  left join lateral (
    select array_agg(distinct co.name) as names from collections co
    where co.id = m.collection_id
      or co.id in (select cm.collection_id from collection_movies cm where cm.movie_id = m.id)
  ) c on true
  left join lateral (
    select array_agg(mg.genre order by mg.genre) as genres from movie_genres mg
    where mg.movie_id = m.id
  ) g on true
  left join lateral (
    select bool_or(true) as has_file,
      (array_agg(mf.resolution order by array_position(
        array['sd', '480p', '576p', '720p', '1080p', '1440p', '2160p'], mf.resolution
      ) desc nulls last) filter (where mf.resolution is not null))[1] as resolution,
      (array_agg(mf.hdr order by array_position(
        array['hlg', 'hdr10', 'hdr10plus', 'dolby_vision'], mf.hdr
      ) desc nulls last) filter (where mf.hdr is not null))[1] as hdr
    from movie_files mf
    where mf.movie_id = m.id and mf.missing_since is null and mf.probe_state <> 'failed'
  ) f on true
  where m.id = any(ids)
  -- One document per film: a refresh replaces it.
  on conflict (movie_id) do update set library_id = excluded.library_id,
    title_fold = excluded.title_fold, original_fold = excluded.original_fold,
    people_fold = excluded.people_fold, directors = excluded.directors,
    collections = excluded.collections, genres = excluded.genres, year = excluded.year,
    resolution = excluded.resolution, hdr = excluded.hdr, has_file = excluded.has_file,
    document = excluded.document, refreshed_at = excluded.refreshed_at,
    popularity = excluded.popularity;
  -- Words of titles, people and collections (weights A and B) the vocabulary lacks.
  insert into search_words (word)
  select distinct w from search_movies s, unnest(tsvector_to_array(ts_filter(s.document, '{a,b}'))) w
  where s.movie_id = any(ids) and length(w) between 3 and 40
  on conflict do nothing;
  perform search_outbox_add(ids);
end $$;


-- A full reindex also rebuilds the vocabulary.
create or replace function search_refresh_all() returns integer language plpgsql as $$
declare n integer;
begin
  delete from search_movies s where not exists (select 1 from movies m where m.id = s.movie_id);
  delete from search_words;
  perform search_refresh(array(select id from movies));
  select count(*) into n from search_movies;
  return n;
end $$;
