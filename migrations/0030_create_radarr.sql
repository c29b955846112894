-- Radarr integration (issue 15): instances with their sealed API key and the
-- hash of their webhook secret, the films each Radarr reported (what a scan
-- uses to identify a file by Radarr's TMDb id), and the webhook deliveries
-- already received (a delivery received twice has the effect of one).

create table radarr_instances (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  url text not null,
  -- The API key sealed with the MFA secret key (lib/auth/secret_box.ts) and that key's fingerprint.
  api_key_sealed bytea not null,
  api_key_key_id text not null,
  -- SHA-256 of the webhook secret: compared in constant time, never shown again.
  webhook_secret_hash bytea not null,
  -- [{from, to}]: Radarr's path prefix `from` is Revenge's `to`.
  path_mappings jsonb not null default '[]',
  enabled boolean not null default true,
  last_sync_at timestamptz,
  -- The last sync's result: counts and the paths that are in no library.
  last_sync jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index radarr_instances_name_idx on radarr_instances (lower(name));
-- The Emby/Jellyfin-style call carries only the secret: found by its hash.
create unique index radarr_instances_secret_idx on radarr_instances (webhook_secret_hash);

create table radarr_movies (
  instance_id uuid not null references radarr_instances (id) on delete cascade,
  radarr_id integer not null,
  tmdb_id integer,
  imdb_id text,
  title text not null,
  year integer,
  -- The film's file, mapped to Revenge's paths; null when Radarr has none.
  file_path text,
  -- The library holding file_path; null when no library does (reported, not imported).
  library_id uuid references libraries (id) on delete set null,
  -- Radarr's mediaInfo of the file, used until our own probe runs.
  media jsonb,
  synced_at timestamptz not null default now(),
  primary key (instance_id, radarr_id)
);
-- The scanner's hook looks films up by the path of their file.
create index radarr_movies_path_idx on radarr_movies (file_path) where file_path is not null;

create table radarr_events (
  instance_id uuid not null references radarr_instances (id) on delete cascade,
  -- Derived from the event (type, film, file, paths): the same delivery twice is one key.
  event_key text not null,
  event_type text not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  primary key (instance_id, event_key)
);
create index radarr_events_received_idx on radarr_events (received_at);
