-- API keys: named, optionally expiring, limited to a subset of the owner's
-- permissions. Only the SHA-256 of the key is stored; key_prefix is shown in
-- lists so a user can tell keys apart.
create table api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  key_hash bytea not null unique,
  key_prefix text not null,
  permissions text[] not null,
  created_at timestamptz not null,
  expires_at timestamptz,
  last_used_at timestamptz,
  last_used_ip text
);
create index api_keys_user_id on api_keys (user_id);
