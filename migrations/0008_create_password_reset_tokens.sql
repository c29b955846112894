-- One-time password reset tokens made by an administrator. Only the SHA-256
-- is stored; a used token is deleted.
create table password_reset_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  token_hash bytea not null unique,
  created_by uuid,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index password_reset_tokens_user_id on password_reset_tokens (user_id);
