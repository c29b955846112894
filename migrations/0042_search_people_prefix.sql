-- Autocomplete (issue 13): people whose folded name starts with what is typed,
-- through a btree range instead of trigrams over 200,000 names
-- (lib/db/search_pg_repo.ts).
create index people_name_norm_prefix_idx on people (search_norm(name) text_pattern_ops);
