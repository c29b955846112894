-- Notifications (issue 15): agents and per-user preferences. Events travel
-- as `notify.fanout` jobs enqueued in the transaction of the change (the
-- job table is the outbox); each agent's delivery is its own job.
--
-- An agent with owner_user_id null is an administrator's (it gets every
-- event it subscribes to, and may reach loopback and the LAN); one with an
-- owner is that user's own target (only the user's own events and films of
-- libraries they can see, public addresses only).
create table notification_agents (
  id uuid primary key default gen_random_uuid(),
  owner_user_id uuid references users (id) on delete cascade,
  kind text not null check (kind in ('webhook', 'discord', 'gotify', 'ntfy', 'email')),
  name text not null check (length(name) between 1 and 100),
  enabled boolean not null default true,
  events text[] not null default '{}',
  -- Administrator's agents only: users may route their own events through it.
  user_selectable boolean not null default false,
  settings jsonb not null default '{}',
  -- Tokens and passwords, AES-GCM sealed with the MFA key (lib/auth/secret_box.ts).
  secret bytea,
  secret_key_id text,
  title_template text,
  body_template text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index notification_agents_owner on notification_agents (owner_user_id);
create index notification_agents_key on notification_agents (secret_key_id)
  where secret_key_id is not null;

-- Which events a user wants through an administrator's user-selectable agent.
create table notification_preferences (
  user_id uuid not null references users (id) on delete cascade,
  agent_id uuid not null references notification_agents (id) on delete cascade,
  events text[] not null,
  primary key (user_id, agent_id)
);
create index notification_preferences_agent on notification_preferences (agent_id);
