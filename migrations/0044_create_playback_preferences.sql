-- Each user's playback preferences (the settings page, GET/PUT /api/v1/users/me/preferences):
-- the audio and subtitle languages a playback starts with, and a bitrate cap. No row: no
-- preference (the file's default tracks, no subtitles, no cap).
create table user_playback_preferences (
  user_id uuid primary key references users (id) on delete cascade,
  -- ISO 639 codes as files tag their tracks (eng, deu, en, de...); null: the file's default.
  audio_language text check (audio_language ~ '^[a-z]{2,3}$'),
  subtitle_language text check (subtitle_language ~ '^[a-z]{2,3}$'),
  -- off: none; forced: only forced subtitles (signs, foreign dialogue); always: a subtitle in
  -- subtitle_language whenever there is one.
  subtitle_mode text not null default 'off' check (subtitle_mode in ('off', 'forced', 'always')),
  -- Bits per second; null: no cap.
  max_bitrate integer check (max_bitrate between 100000 and 400000000),
  updated_at timestamptz not null default now()
);
