-- Second factors (issue 9): TOTP, backup codes, the pending step between a
-- right password and a second factor, and where the requirement comes from.
-- Passkeys add their own table and join the definition of an active second
-- factor in lib/db/mfa_repo.ts (mfaActive).

-- The user's own switch: on when a first factor is enabled, off with
-- POST /api/v1/mfa/disable (the factors stay) or an administrator's reset.
alter table users add column mfa_enabled boolean not null default false;

-- A role whose members must have a second factor before they can do anything.
alter table roles add column require_mfa boolean not null default false;

-- The latest second factor this session proved (at login, or later in it).
alter table sessions add column mfa_method text;
alter table sessions add column mfa_at timestamptz;

-- One TOTP secret per user, encrypted with AES-256-GCM (lib/auth/secret_box.ts):
-- 12-byte nonce || ciphertext || 16-byte tag, bound to the user id. key_id is
-- the fingerprint of the key that sealed it, never the key.
create table mfa_totp (
  user_id uuid primary key references users (id) on delete cascade,
  secret_sealed bytea not null,
  key_id text not null,
  created_at timestamptz not null,
  -- Null while enrolment waits for the first correct code.
  enabled_at timestamptz,
  -- The highest 30-second time step a code was accepted for: a code of this
  -- step or an earlier one is refused (replay), and the update that raises it
  -- is conditional, so one code wins once under concurrency.
  last_step bigint not null default -1,
  last_used_at timestamptz
);

-- Backup codes: only the SHA-256 of each, salted with the user id (a code has
-- 80 random bits, so a slow hash would buy nothing but CPU, and a fast one
-- lets a redemption find its row by hash). A used code is deleted.
create table mfa_backup_codes (
  user_id uuid not null references users (id) on delete cascade,
  code_hash bytea not null,
  created_at timestamptz not null,
  primary key (user_id, code_hash)
);

-- Logins whose password was right and which wait for a second factor. Only
-- the SHA-256 of the token (rvm_…) is kept; a row lives 5 minutes and is
-- deleted by the login it completes.
create table mfa_pending_logins (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  token_hash bytea not null unique,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  client_ip text,
  user_agent text,
  -- Nonce of the device cookie verified at the password step, if any: the
  -- completed login is credited to that device's back-off, not the account's.
  device_nonce text
);
create index mfa_pending_logins_user_id on mfa_pending_logins (user_id);
create index mfa_pending_logins_expires_at on mfa_pending_logins (expires_at);
