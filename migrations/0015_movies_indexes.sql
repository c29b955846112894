-- Indexes the movies API measured a need for (bench/movies_bench.ts, 50,000
-- films in two libraries, a user granted one).
--
-- Every listing asks, per film, for an available file (not missing, not
-- failed) and, for the page, the longest duration and best resolution and HDR
-- of those files. movie_files rows are wide (the probe's media info is inline
-- jsonb), so the count of a library's 25,000 films read every file's heap row
-- (60 ms). This partial index holds exactly the available files with what the
-- listing reads: the count becomes a join of two index-only scans (15 ms) and
-- the page's file summaries and the resolution and HDR filters never touch
-- the heap. The queries name f.library_id = m.library_id so it is usable.
create index movie_files_available_idx on movie_files (library_id, movie_id)
  include (duration_ms, resolution, hdr)
  where missing_since is null and probe_state <> 'failed';
