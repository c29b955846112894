-- Metadata (issue 11). Manual collections: the built-in moderator role, which already
-- looks after requests and users' content, also curates the server's manual
-- collections. Users and guests do not: a collection is seen by everyone.
-- (The admin role holds *:* already.)
update roles set permissions = array_append(permissions, 'collections:manage')
where name = 'moderator' and builtin and not ('collections:manage' = any (permissions));

-- When identification last ran for a film (its result is match_state and
-- match_error): the periodic job retries films left unmatched with an error
-- a day after that, not a day after any other change to the row.
alter table movies add column match_attempted_at timestamptz;
create index movies_match_retry_idx on movies (match_attempted_at, id)
  where match_state = 'unmatched' and match_error is not null;
