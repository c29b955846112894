-- Artwork whose download kept failing for a transient reason (TMDb
-- unreachable through every attempt of its job) may be tried again after
-- this time, by the next ensure of the same image. Null: a failure retrying
-- cannot help (not an image, 404, a refused URL), or not failed.
alter table images add column retry_after timestamptz;
