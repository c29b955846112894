-- Per-library access. library_id has no foreign key yet: the libraries table
-- arrives with the library issue, which adds the constraint and enforces the
-- grants on every movie, file, image and stream.
create table library_grants (
  user_id uuid not null references users (id) on delete cascade,
  library_id uuid not null,
  granted_at timestamptz not null default now(),
  primary key (user_id, library_id)
);
create index library_grants_library_id on library_grants (library_id);
