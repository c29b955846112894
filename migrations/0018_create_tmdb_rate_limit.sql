-- The schedule of TMDb requests, shared by every job worker and instance
-- (TMDb's limit is per client, and job handlers run in several Web Workers
-- that share no memory): next_at is the earliest time the next request may
-- be sent. One row per API base URL.
create table tmdb_rate_limit (
  key text primary key,
  next_at timestamptz not null
);
