-- The language a user chose for the web UI; null: the browser's (Accept-Language).
-- Only languages the UI has a catalogue for (lib/ui/i18n/translate.ts).
alter table users add column language text check (language in ('en', 'de'));
