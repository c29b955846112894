-- Search (issue 13): one weighted document per film for the PostgreSQL
-- engine, kept current by triggers, and the outbox that carries changes to
-- Typesense when it is configured.
--
-- The embedded PostgreSQL ships these three; an external server without
-- them fails here, and the migration runner names the missing extension.
create extension if not exists unaccent;
create extension if not exists pg_trgm;
create extension if not exists fuzzystrmatch;

-- unaccent() is only STABLE (its dictionary could be edited), so it cannot
-- appear in an index expression. This wrapper names the dictionary by schema
-- and declares itself IMMUTABLE: we never edit the dictionary, and if someone
-- did, `reindex` and `select search_refresh_all()` would rebuild everything.
-- The schema is looked up because an external server may keep extensions
-- outside `public`.
do $$
declare s text;
begin
  select n.nspname into s from pg_extension e join pg_namespace n on n.oid = e.extnamespace
  where e.extname = 'unaccent';
  execute format(
    'create function search_fold(t text) returns text language sql immutable parallel safe strict
     as %L',
    format('select lower(%I.unaccent(%L::regdictionary, t))', s, s || '.unaccent'));
end $$;

-- Folded, with punctuation and runs of spaces made one space: how titles and
-- queries are compared ("Star Wars: Episode V" = "star wars episode v").
-- It names search_fold by its schema: PostgreSQL 17+ builds and analyses
-- indexes with search_path = pg_catalog, pg_temp, where a bare name is not found.
do $$
begin
  execute format(
    'create function search_norm(t text) returns text language sql immutable parallel safe strict
     as %L',
    format('select btrim(regexp_replace(%I.search_fold(t), %L, %L, %L))', current_schema(),
      '[[:punct:][:space:]]+', ' ', 'g'));
end $$;

-- The document of a film. Denormalised on purpose: a search reads one row
-- per candidate (folded titles for trigram matching, people and collection
-- for the B weight, the best file's resolution and HDR for facets) instead
-- of joining six tables per keystroke. Only search_refresh() writes it.
create table search_movies (
  movie_id uuid primary key references movies (id) on delete cascade,
  library_id uuid not null,
  -- search_norm() of the title and of the original title ('' when none).
  title_fold text not null,
  original_fold text not null,
  -- Cast and directors, folded, one space between names.
  people_fold text not null,
  directors text[] not null,
  collections text[] not null,
  genres text[] not null,
  year integer,
  -- Best available file: 2160p, 1080p, ... and hdr10, dolby_vision, ...
  resolution text,
  hdr text,
  has_file boolean not null,
  -- Weighted: titles A, people and collections B, overview and tagline C
  -- ('simple' configuration: titles are in many languages, stemming English
  -- would mangle the others; folding handles accents).
  document tsvector not null,
  refreshed_at timestamptz not null default now()
);
create index search_movies_document_idx on search_movies using gin (document);
create index search_movies_title_trgm_idx on search_movies using gin (title_fold gin_trgm_ops);
create index search_movies_original_trgm_idx on search_movies
  using gin (original_fold gin_trgm_ops) where original_fold <> '';
create index search_movies_people_trgm_idx on search_movies using gin (people_fold gin_trgm_ops);
create index search_movies_library_idx on search_movies (library_id);

-- Autocomplete looks people and collections up by folded name.
create index people_name_norm_trgm_idx on people using gin (search_norm(name) gin_trgm_ops);
create index collections_name_norm_trgm_idx on collections
  using gin (search_norm(name) gin_trgm_ops);

-- One row: whether the Typesense outbox is on (set at start-up from the
-- configuration) and what the last full reindex did.
create table search_state (
  id boolean primary key default true check (id),
  typesense boolean not null default false,
  -- The collection the alias points at (Typesense), for the status page.
  typesense_collection text,
  last_reindex_engine text,
  last_reindex_at timestamptz,
  last_reindex_ms integer,
  last_reindex_documents integer
);
insert into search_state default values;

-- Films whose Typesense document is behind. Written in the transaction of
-- the change (the outbox); the `search.sync` job, enqueued in that same
-- transaction, upserts the document or deletes it if the film is gone.
create table search_outbox (
  movie_id uuid primary key,
  changed_at timestamptz not null default clock_timestamp()
);

-- Recomputes the documents of `ids` in one set-based statement (and queues
-- them for Typesense when it is on). Films that no longer exist are skipped:
-- their rows went with the film (on delete cascade).
create function search_refresh(ids uuid[]) returns void language plpgsql as $$
begin
  if ids is null or cardinality(ids) = 0 then return; end if;
  insert into search_movies as s (movie_id, library_id, title_fold, original_fold, people_fold,
    directors, collections, genres, year, resolution, hdr, has_file, document, refreshed_at)
  select m.id, m.library_id, search_norm(m.title), coalesce(search_norm(m.original_title), ''),
    search_norm(concat_ws(' ', p.cast_names, p.director_names)),
    coalesce(p.directors, '{}'), coalesce(c.names, '{}'), coalesce(g.genres, '{}'),
    m.year, f.resolution, f.hdr, coalesce(f.has_file, false),
    setweight(to_tsvector('simple', search_fold(concat_ws(' ', m.title, m.original_title))), 'A')
      || setweight(to_tsvector('simple', coalesce(search_fold(concat_ws(' ',
        p.cast_names, p.director_names, array_to_string(c.names, ' '))), '')), 'B')
      || setweight(to_tsvector('simple', coalesce(search_fold(concat_ws(' ',
        m.tagline, m.overview)), '')), 'C'),
    now()
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
    document = excluded.document, refreshed_at = excluded.refreshed_at;
  perform search_outbox_add(ids);
end $$;

-- Queues films for Typesense, with the job that carries them, when it is on.
create function search_outbox_add(ids uuid[]) returns void language plpgsql as $$
begin
  if ids is null or cardinality(ids) = 0 then return; end if;
  if not coalesce((select typesense from search_state), false) then return; end if;
  -- A film changed twice before the job ran is sent once, as it is then.
  insert into search_outbox (movie_id) select distinct unnest(ids)
  on conflict (movie_id) do update set changed_at = clock_timestamp();
  -- The unique key keeps one waiting sync job however many changes queue up
  -- (jobs_unique_key_idx holds while the job is unfinished).
  insert into jobs (kind, queue, payload, unique_key, max_attempts)
  values ('search.sync', 'search', '{}', 'search.sync', 10)
  on conflict do nothing;
end $$;

-- Every document again (the PostgreSQL engine's full reindex).
create function search_refresh_all() returns integer language plpgsql as $$
declare n integer;
begin
  delete from search_movies s where not exists (select 1 from movies m where m.id = s.movie_id);
  perform search_refresh(array(select id from movies));
  select count(*) into n from search_movies;
  return n;
end $$;

-- Why triggers: films are written by the scanner (lib/db/library_index_repo.ts),
-- by metadata (lib/db/metadata_repo.ts), by manual collections and by whatever
-- comes next; a trigger is the one place no writer can forget, and it runs in
-- the writer's transaction, so search is never behind a commit.
-- Why per statement with transition tables: the scanner's link phase writes
-- hundreds of films and files per statement; a row trigger would rebuild a
-- film's document once per child row, this rebuilds each touched film once
-- per statement, in one set-based query. Updates that change nothing the
-- document holds (the scanner's no-op upsert of every known film) do no work.

create function search_movies_inserted() returns trigger language plpgsql as $$
begin
  perform search_refresh(array(select id from new_rows));
  return null;
end $$;
create trigger search_movies_inserted after insert on movies
  referencing new table as new_rows for each statement execute function search_movies_inserted();

create function search_movies_updated() returns trigger language plpgsql as $$
begin
  perform search_refresh(array(
    select n.id from new_rows n join old_rows o on o.id = n.id
    where (n.title, n.original_title, n.overview, n.tagline, n.year, n.library_id,
        n.collection_id, n.popularity, n.rating, n.vote_count, n.release_date, n.added_at,
        n.sort_title, n.match_state)
      is distinct from (o.title, o.original_title, o.overview, o.tagline, o.year, o.library_id,
        o.collection_id, o.popularity, o.rating, o.vote_count, o.release_date, o.added_at,
        o.sort_title, o.match_state)));
  return null;
end $$;
create trigger search_movies_updated after update on movies
  referencing old table as old_rows new table as new_rows
  for each statement execute function search_movies_updated();

create function search_movies_deleted() returns trigger language plpgsql as $$
begin
  perform search_outbox_add(array(select id from old_rows));
  return null;
end $$;
create trigger search_movies_deleted after delete on movies
  referencing old table as old_rows for each statement execute function search_movies_deleted();

-- Children of a film: files, genres, credits, manual collections.
create function search_child_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform search_refresh(array(select distinct movie_id from new_rows));
  elsif tg_op = 'DELETE' then
    perform search_refresh(array(select distinct movie_id from old_rows));
  elsif tg_table_name = 'movie_files' then
    perform search_refresh(array(
      select distinct x.id from new_rows n join old_rows o on o.id = n.id,
        lateral (values (n.movie_id), (o.movie_id)) x (id)
      where (n.movie_id, n.resolution, n.hdr, n.missing_since is null, n.probe_state = 'failed')
        is distinct from (o.movie_id, o.resolution, o.hdr, o.missing_since is null,
          o.probe_state = 'failed')));
  else
    perform search_refresh(array(
      select movie_id from new_rows union select movie_id from old_rows));
  end if;
  return null;
end $$;

create trigger search_files_inserted after insert on movie_files
  referencing new table as new_rows for each statement execute function search_child_changed();
create trigger search_files_updated after update on movie_files
  referencing old table as old_rows new table as new_rows
  for each statement execute function search_child_changed();
create trigger search_files_deleted after delete on movie_files
  referencing old table as old_rows for each statement execute function search_child_changed();

create trigger search_genres_inserted after insert on movie_genres
  referencing new table as new_rows for each statement execute function search_child_changed();
create trigger search_genres_updated after update on movie_genres
  referencing old table as old_rows new table as new_rows
  for each statement execute function search_child_changed();
create trigger search_genres_deleted after delete on movie_genres
  referencing old table as old_rows for each statement execute function search_child_changed();

create trigger search_credits_inserted after insert on movie_credits
  referencing new table as new_rows for each statement execute function search_child_changed();
create trigger search_credits_updated after update on movie_credits
  referencing old table as old_rows new table as new_rows
  for each statement execute function search_child_changed();
create trigger search_credits_deleted after delete on movie_credits
  referencing old table as old_rows for each statement execute function search_child_changed();

create trigger search_collection_movies_inserted after insert on collection_movies
  referencing new table as new_rows for each statement execute function search_child_changed();
create trigger search_collection_movies_deleted after delete on collection_movies
  referencing old table as old_rows for each statement execute function search_child_changed();

-- A renamed person or collection changes the documents of their films.
create function search_person_renamed() returns trigger language plpgsql as $$
begin
  perform search_refresh(array(
    select distinct mc.movie_id from new_rows n join old_rows o on o.id = n.id
    join movie_credits mc on mc.person_id = n.id where n.name is distinct from o.name));
  return null;
end $$;
create trigger search_person_renamed after update on people
  referencing old table as old_rows new table as new_rows
  for each statement execute function search_person_renamed();

create function search_collection_renamed() returns trigger language plpgsql as $$
begin
  perform search_refresh(array(
    select m.id from new_rows n join old_rows o on o.id = n.id
    join movies m on m.collection_id = n.id where n.name is distinct from o.name
    union
    select cm.movie_id from new_rows n join old_rows o on o.id = n.id
    join collection_movies cm on cm.collection_id = n.id where n.name is distinct from o.name));
  return null;
end $$;
create trigger search_collection_renamed after update on collections
  referencing old table as old_rows new table as new_rows
  for each statement execute function search_collection_renamed();

-- Films that exist already get their documents now.
select search_refresh_all();
