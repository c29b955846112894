-- Accounts. Usernames are unique without regard to case, so "Alice" and
-- "alice" cannot both exist (login looks them up the same way).
create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null,
  display_name text,
  email text,
  -- PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash): parameters travel with the hash.
  password_hash text not null,
  disabled_at timestamptz,
  last_login_at timestamptz,
  password_changed_at timestamptz not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create unique index users_username_key on users (lower(username));
create unique index users_email_key on users (lower(email)) where email is not null;
-- Admin search matches substrings of username, display name and e-mail (ILIKE '%q%').
create index users_search_trgm on users using gin (
  (lower(username || ' ' || coalesce(display_name, '') || ' ' || coalesce(email, ''))) gin_trgm_ops
);
