-- Playback (issue 12): the permission catalog has had playback:stream (direct
-- play and remux) and playback:transcode since the accounts issue, but no
-- seeded role held them. Moderators and users get both, guests may stream
-- without making the server transcode. (The admin role holds *:* already.)
update roles set permissions = array_append(permissions, 'playback:stream')
where name in ('moderator', 'user', 'guest') and builtin
  and not ('playback:stream' = any (permissions));
update roles set permissions = array_append(permissions, 'playback:transcode')
where name in ('moderator', 'user') and builtin
  and not ('playback:transcode' = any (permissions));
