-- Server-wide settings as JSON values, one row per key. Later issues read
-- their settings from here; changes are audited by the accounts service.
create table server_settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);

create extension if not exists pg_trgm;
