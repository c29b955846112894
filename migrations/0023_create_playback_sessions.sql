-- Playback sessions (issue 12): one row per playback a player reports
-- (`POST /api/v1/playback/sessions`), so administrators see who plays what,
-- how and why (`GET /api/v1/admin/streams`) and can stop one. A session
-- ends when its player says stop, when it is not heard from for
-- `playback.sessionIdleSec`, or when an administrator stops it.
create table playback_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  movie_id uuid not null references movies (id) on delete cascade,
  file_id uuid not null references movie_files (id) on delete cascade,
  method text not null check (method in ('direct_play', 'direct_stream', 'transcode')),
  -- Bits per second of what is sent (null: not known).
  bitrate bigint,
  -- The decision's reasons: [{code, text}].
  reasons jsonb not null default '[]',
  -- What the player says it is (its own words, bounded).
  client text check (length(client) <= 200),
  state text not null default 'playing' check (state in ('playing', 'paused', 'ended')),
  position_ms bigint not null default 0,
  started_at timestamptz not null default now(),
  last_report_at timestamptz not null default now(),
  ended_at timestamptz,
  -- client (stop), idle (not heard from), admin (stopped by an administrator).
  end_reason text check (end_reason in ('client', 'idle', 'admin')),
  stopped_by uuid references users (id) on delete set null,
  check ((ended_at is null) = (end_reason is null))
);
-- The active sessions, oldest report first: the admin list and the idle sweep read only these.
create index playback_sessions_active_idx on playback_sessions (last_report_at)
  where ended_at is null;
