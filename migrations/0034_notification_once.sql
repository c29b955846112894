-- Events that happen once per thing (issue 15): a film is "added" the first
-- time a scan links it and "available" the first time one of its files is
-- probed at the end of a scan. The scanner touches films again and again
-- (a changed file, a move), so the first time is remembered by key
-- (`movie.added:<id>`). Films that exist already count as announced: the
-- upgrade does not announce a whole collection.
create table notification_once (
  key text primary key,
  created_at timestamptz not null default now()
);
insert into notification_once (key)
select 'movie.added:' || id from movies
union all
select 'movie.available:' || id from movies;
