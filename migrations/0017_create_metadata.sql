-- Metadata (issue 11): TMDb answers cached with a TTL, what identification
-- found or could not decide, the metadata columns 0014 left out, the artwork
-- cache, and manual collections.

-- One TMDb answer per request (method + path + sorted query, without the
-- credentials), reused until expires_at. A 404 is cached too (body null).
create table tmdb_cache (
  key text primary key,
  status integer not null,
  body jsonb,
  fetched_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index tmdb_cache_expires_idx on tmdb_cache (expires_at);

alter table movies
  -- Why the film is not identified yet (TMDb unreachable, no candidate, ...), shown to admins.
  add column match_error text,
  -- Search candidates kept when the matcher was unsure (needs_review):
  -- [{tmdbId, title, originalTitle, year, popularity, posterPath, score}].
  add column match_candidates jsonb,
  -- The score of the chosen candidate (0-100); null for ids in names and manual matches.
  add column match_score real,
  -- How the film was matched: name_id, nfo, search, manual.
  add column match_source text,
  add column matched_at timestamptz,
  -- When TMDb details were last written (the periodic refresh takes the oldest).
  add column metadata_refreshed_at timestamptz,
  add column studios text[] not null default '{}',
  add column spoken_languages text[] not null default '{}',
  add column countries text[] not null default '{}',
  -- [{site, key, name, type, official}] from TMDb's videos.
  add column trailers jsonb not null default '[]',
  -- TMDb's similar films: [{tmdbId, title, year, posterPath, popularity}].
  add column similar_movies jsonb not null default '[]',
  add column logo_path text,
  -- Kodi .nfo that was read for this film (never written unless metadata.writeNfo).
  add column nfo_path text;
create index movies_match_state_idx on movies (match_state, id) where match_state <> 'matched';
create index movies_tmdb_idx on movies (tmdb_id) where tmdb_id is not null;
create index movies_refreshed_idx on movies (metadata_refreshed_at nulls first, id)
  where match_state = 'matched';

-- Collections: from TMDb (tmdb_id set, members through movies.collection_id),
-- or manual (kind 'manual', members in collection_movies).
alter table collections
  add column kind text not null default 'tmdb' check (kind in ('tmdb', 'manual')),
  add column created_by uuid references users (id) on delete set null;

create table collection_movies (
  collection_id uuid not null references collections (id) on delete cascade,
  movie_id uuid not null references movies (id) on delete cascade,
  position integer not null default 0,
  added_at timestamptz not null default now(),
  primary key (collection_id, movie_id)
);
create index collection_movies_movie_idx on collection_movies (movie_id);

-- The artwork cache. One row per source image (a TMDb file path such as
-- `/kqjL17yufvn9OVLyXYpvtyrFfak.jpg`, or the absolute path of a local
-- poster.jpg), fetched once; resized widths are files next to the original
-- under <data dir>/cache/images/<id>/.
create table images (
  id uuid primary key default gen_random_uuid(),
  source text not null check (source in ('tmdb', 'local')),
  source_path text not null,
  -- pending (download queued), ready, failed
  state text not null default 'pending' check (state in ('pending', 'ready', 'failed')),
  width integer,
  height integer,
  -- image/jpeg, image/png, image/webp
  content_type text,
  -- sha256 of the original bytes (hex): the strong ETag is derived from it.
  sha256 text,
  blurhash text,
  error text,
  -- A local file's mtime and size when it was read: a changed file is read again.
  source_mtime timestamptz,
  source_size bigint,
  fetched_at timestamptz,
  created_at timestamptz not null default now(),
  unique (source, source_path)
);

-- Which image is a film's, a collection's or a person's, by kind.
alter table movies
  add column poster_image_id uuid references images (id) on delete set null,
  add column backdrop_image_id uuid references images (id) on delete set null,
  add column logo_image_id uuid references images (id) on delete set null;
alter table collections
  add column poster_image_id uuid references images (id) on delete set null,
  add column backdrop_image_id uuid references images (id) on delete set null;
alter table people
  add column profile_image_id uuid references images (id) on delete set null;
