-- Security events. No foreign keys: entries must outlive the users and keys
-- they name.
create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null,
  action text not null,
  actor_id uuid,
  actor_name text,
  target_type text,
  target_id text,
  client_ip text,
  user_agent text,
  details jsonb not null default '{}'
);
-- Each filter of GET /api/v1/admin/audit, newest first.
create index audit_log_at on audit_log (at desc, id desc);
create index audit_log_actor on audit_log (actor_id, at desc);
create index audit_log_target on audit_log (target_id, at desc);
create index audit_log_action on audit_log (action, at desc);
