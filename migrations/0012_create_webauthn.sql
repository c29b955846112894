-- Passkeys (issue 9): WebAuthn credentials, a primary second factor and a
-- passwordless login, and the server-side challenges of their ceremonies.
-- lib/db/mfa_repo.ts counts them in hasPrimaryFactorSql and state().

create table webauthn_credentials (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  -- The authenticator's credential id, base64url. Unique across all users:
  -- a credential id that is registered already is refused, whoever asks.
  credential_id text not null unique,
  -- COSE public key, as the attestation gave it.
  public_key bytea not null,
  -- The signature counter last seen. An assertion must raise it (unless the
  -- authenticator keeps none and both are 0): a lower one means a copy of
  -- the key is in use somewhere.
  counter bigint not null default 0,
  transports text[] not null default '{}',
  name text not null,
  aaguid text,
  device_type text not null,
  backed_up boolean not null,
  created_at timestamptz not null,
  last_used_at timestamptz,
  -- Set when the counter went backwards: refused from then on, kept for the record.
  cloned_at timestamptz
);
create index webauthn_credentials_user_id on webauthn_credentials (user_id);

-- Challenges, one row per ceremony: used once (deleted by the response that
-- uses it, whether it verifies or not) and expiring. The challenge itself
-- (32 random bytes, base64url) is the key: the browser signs it into
-- clientDataJSON, so a response names its own challenge.
create table webauthn_challenges (
  challenge text primary key,
  -- register: a signed-in user adds a passkey; login: passwordless (no user
  -- yet); mfa: the second step of the pending login pending_login_id.
  purpose text not null check (purpose in ('register', 'login', 'mfa')),
  user_id uuid references users (id) on delete cascade,
  -- No foreign key on purpose: the login step deletes its pending login in
  -- its transaction while the challenge is taken outside it, and a cascade
  -- would make the two wait for each other. An orphan expires like any row.
  pending_login_id uuid,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index webauthn_challenges_expires_at on webauthn_challenges (expires_at);
