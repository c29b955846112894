-- Two more indexes for the movies API, measured after 0015
-- (bench/movies_bench.ts: 50,000 films in two libraries, a user granted one).
--
-- Films of a library in id order: with movie_files_available_idx (library_id,
-- movie_id) the count of a listing becomes a merge of two index-only scans
-- instead of a hash of the library's 27,000 available files
-- (GET /api/v1/movies?limit=50 p50 40 ms → 24 ms on the same machine).
create index movies_library_id_idx on movies (library_id, id);

-- The genre filter is case-insensitive (lower(genre) = any(...)); without this
-- every filtered listing read all genre rows (genre=drama&resolution=2160p,
-- its count: 100-145 ms → 30 ms).
create index movie_genres_lower_idx on movie_genres (lower(genre), movie_id);
