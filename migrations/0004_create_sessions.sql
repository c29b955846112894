-- Server-side sessions. Only the SHA-256 of the token is stored: a leaked
-- table does not let anyone log in.
create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  token_hash bytea not null unique,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  -- Absolute end of the session; the idle timeout is applied to last_seen_at.
  expires_at timestamptz not null,
  client_ip text,
  user_agent text
);
create index sessions_user_id on sessions (user_id);
create index sessions_expires_at on sessions (expires_at);
create index sessions_last_seen_at on sessions (last_seen_at);
