-- Libraries (issue 10): folders of films, their scans and the problems a
-- scan found. The scanner (lib/library/README.md) writes here; reads never
-- wait on it (MVCC: a scan writes in short transactions of one batch each).

create table libraries (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  -- BCP 47 tag for metadata (the metadata issue uses it).
  language text not null default 'en',
  -- Scan changed paths when the folders change (file watching).
  watch boolean not null default true,
  -- Minutes between periodic full scans; 0: none.
  scan_interval_minutes integer not null default 360
    check (scan_interval_minutes between 0 and 525600),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- When the last periodic scan was enqueued (the periodic job checks it).
  last_periodic_scan_at timestamptz
);
create unique index libraries_name_idx on libraries (lower(name));

-- A library's folders, as absolute paths written by an administrator.
create table library_folders (
  library_id uuid not null references libraries (id) on delete cascade,
  path text not null,
  position smallint not null default 0,
  primary key (library_id, path)
);
-- One folder belongs to one library: two libraries over one folder would index every film twice.
create unique index library_folders_path_idx on library_folders (path);

-- The grants now point at real libraries. Grants to libraries that never existed go.
delete from library_grants g where not exists (select 1 from libraries l where l.id = g.library_id);
alter table library_grants
  add constraint library_grants_library_id_fkey
  foreign key (library_id) references libraries (id) on delete cascade;

-- One row per scan. The newest row of a library is its scan state; counters
-- are raised by the phases as they go.
create table library_scans (
  id bigint generated always as identity primary key,
  library_id uuid not null references libraries (id) on delete cascade,
  -- queued → running → idle (finished: done, failed or cancelled in `outcome`).
  state text not null default 'queued' check (state in ('queued', 'running', 'idle')),
  -- walk, link, probe, missing, done
  phase text not null default 'walk',
  -- Null: the whole library; else the paths (files or folders) to look at.
  paths text[],
  -- Why it ran: manual, periodic, watch, created, ...
  reason text not null default 'manual',
  seen integer not null default 0,
  added integer not null default 0,
  changed integer not null default 0,
  moved integer not null default 0,
  -- Files this scan gave to ffprobe, probed, and failed: counted from
  -- movie_files.scan_id while it runs, written here when it ends.
  to_probe integer not null default 0,
  probed integer not null default 0,
  failed integer not null default 0,
  missing integer not null default 0,
  removed integer not null default 0,
  walk_done boolean not null default false,
  outcome text check (outcome in ('done', 'failed', 'cancelled')),
  -- Readable notes: an unreachable folder, why nothing was marked missing.
  messages jsonb not null default '[]',
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now()
);
create index library_scans_library_idx on library_scans (library_id, id desc);
-- Per library at most one scan waiting and one walking (the walk of the next
-- starts when the walk of the last is done; probing can still be going on).
create unique index library_scans_queued_idx on library_scans (library_id) where state = 'queued';
create unique index library_scans_walking_idx on library_scans (library_id)
  where state = 'running' and not walk_done;

-- Files the scanner could not index, and why. Replaced path by path: a
-- problem that a later scan no longer finds goes.
create table library_problems (
  library_id uuid not null references libraries (id) on delete cascade,
  path text not null,
  -- walk (links, names, unreadable), probe (ffprobe failed), empty
  kind text not null,
  reason text not null,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  primary key (library_id, path)
);
