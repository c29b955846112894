-- Films, their files, external subtitles, credits, genres, collections and
-- each user's watch progress (issue 10). Until the metadata issue lands a
-- film is known by the title and year parsed from its names (match_state
-- 'unmatched'); the metadata columns are filled by it.

create table collections (
  id uuid primary key default gen_random_uuid(),
  tmdb_id integer unique,
  name text not null,
  overview text,
  poster_path text,
  backdrop_path text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table movies (
  id uuid primary key default gen_random_uuid(),
  library_id uuid not null references libraries (id) on delete cascade,
  -- What groups files into one film inside a library: `tmdb:603`,
  -- `imdb:tt0133093`, or `title:<normalised title>:<year>` (lib/library/parse_name.ts).
  identity_key text not null,
  title text not null,
  original_title text,
  -- Lower-cased, leading article moved away: the title sort.
  sort_title text not null,
  year integer check (year between 1800 and 2200),
  edition text,
  tmdb_id integer,
  imdb_id text,
  -- unmatched, matched, needs_review
  match_state text not null default 'unmatched',
  overview text,
  tagline text,
  runtime_minutes integer,
  release_date date,
  certification text,
  rating real,
  vote_count integer,
  popularity real,
  poster_path text,
  backdrop_path text,
  collection_id uuid references collections (id) on delete set null,
  added_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (library_id, identity_key)
);
create index movies_library_sort_idx on movies (library_id, sort_title, id);
create index movies_sort_idx on movies (sort_title, id);
create index movies_added_idx on movies (added_at desc, id);
create index movies_year_idx on movies (year);
create index movies_rating_idx on movies (rating desc nulls last, id);
create index movies_collection_idx on movies (collection_id) where collection_id is not null;

create table movie_files (
  id uuid primary key default gen_random_uuid(),
  movie_id uuid not null references movies (id) on delete cascade,
  library_id uuid not null references libraries (id) on delete cascade,
  -- Absolute path as the walk reached it (inside a library folder).
  path text not null,
  size bigint not null,
  mtime timestamptz,
  -- Identity of the file on its file system: an unchanged (size, mtime, inode)
  -- is not probed again; a file gone from one path and found at another with
  -- the same (device, inode) was moved.
  device bigint,
  inode bigint,
  -- 1 for cd1/part1 ..., null for a single file.
  part smallint,
  -- What the names said: resolution, source, edition, quality, ... (jsonb).
  parsed jsonb not null default '{}',
  -- pending (waiting for ffprobe), ready, failed
  probe_state text not null default 'pending' check (probe_state in ('pending', 'ready', 'failed')),
  -- The scan that last gave this file to ffprobe (its progress is counted from here).
  scan_id bigint references library_scans (id) on delete set null,
  probe_error text,
  probed_at timestamptz,
  -- Media info (lib/model/media_info.ts); the columns below are copied out of it for filters.
  media jsonb,
  container text,
  duration_ms bigint,
  bitrate bigint,
  video_codec text,
  width integer,
  height integer,
  -- 1080p, 2160p, ...: from the probe, or the name before it.
  resolution text,
  -- hdr10, hlg, dolby_vision, or null for SDR.
  hdr text,
  -- Set when a scan did not find the file; removed after the grace period.
  missing_since timestamptz,
  added_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (library_id, path)
);
create index movie_files_movie_idx on movie_files (movie_id);
create index movie_files_inode_idx on movie_files (library_id, device, inode);
create index movie_files_scan_idx on movie_files (scan_id, probe_state) where scan_id is not null;
create index movie_files_missing_idx on movie_files (missing_since) where missing_since is not null;

-- Subtitle files next to a film (`Film.en.forced.srt`).
create table movie_subtitles (
  id uuid primary key default gen_random_uuid(),
  movie_id uuid not null references movies (id) on delete cascade,
  library_id uuid not null references libraries (id) on delete cascade,
  path text not null,
  -- srt, ass, ssa, vtt
  format text not null,
  language text,
  title text,
  forced boolean not null default false,
  sdh boolean not null default false,
  is_default boolean not null default false,
  size bigint,
  mtime timestamptz,
  missing_since timestamptz,
  added_at timestamptz not null default now(),
  unique (library_id, path)
);
create index movie_subtitles_movie_idx on movie_subtitles (movie_id);

create table movie_genres (
  movie_id uuid not null references movies (id) on delete cascade,
  genre text not null,
  primary key (movie_id, genre)
);
create index movie_genres_genre_idx on movie_genres (genre);

create table people (
  id uuid primary key default gen_random_uuid(),
  tmdb_id integer unique,
  name text not null,
  profile_path text
);

-- Cast (kind 'cast', with character and order) and crew (department, job).
create table movie_credits (
  movie_id uuid not null references movies (id) on delete cascade,
  person_id uuid not null references people (id) on delete cascade,
  kind text not null check (kind in ('cast', 'crew')),
  character text,
  department text,
  job text,
  position integer not null default 0,
  primary key (movie_id, person_id, kind, position)
);
create index movie_credits_person_idx on movie_credits (person_id);

-- One row per user and film: where they are, and whether they watched it.
create table watch_progress (
  user_id uuid not null references users (id) on delete cascade,
  movie_id uuid not null references movies (id) on delete cascade,
  position_ms bigint not null default 0 check (position_ms >= 0),
  duration_ms bigint check (duration_ms > 0),
  watched boolean not null default false,
  play_count integer not null default 0,
  watched_at timestamptz,
  last_played_at timestamptz not null default now(),
  primary key (user_id, movie_id)
);
create index watch_progress_recent_idx on watch_progress (user_id, last_played_at desc);
