-- Roles are named sets of permission strings (`resource:action`, with `*`
-- wildcards); a user's permissions are the union over their roles.
create table roles (
  name text primary key check (name ~ '^[a-z][a-z0-9_-]{0,63}$'),
  description text not null default '',
  permissions text[] not null default '{}',
  builtin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table user_roles (
  user_id uuid not null references users (id) on delete cascade,
  -- restrict: a role that is still assigned cannot vanish silently.
  role_name text not null references roles (name) on delete restrict,
  primary key (user_id, role_name)
);
create index user_roles_role_name on user_roles (role_name);

-- The four seeded roles (shared/seed TODO_v0.3.0, RBAC phase 4).
insert into roles (name, description, permissions, builtin) values
  ('admin', 'Everything', '{*:*}', true),
  ('moderator', 'Manages users below them, requests and content; reads the audit log',
    '{users:read,users:update,requests:*,content:moderate,audit:read}', true),
  ('user', 'Watches movies, makes requests, manages their own account',
    '{movies:read,libraries:read,requests:create,self:*}', true),
  ('guest', 'Watches movies; no writes, no history', '{movies:read,libraries:read}', true);
