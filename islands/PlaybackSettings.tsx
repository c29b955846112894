/**
 * The playback preferences of `/settings/playback`: default audio language,
 * subtitles (off, forced only, always, in which language) and the maximum
 * streaming quality, saved with `PUT /api/v1/users/me/preferences/playback`.
 * The playback decision applies them to every film played. Results are toasts.
 */
import { useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api } from "./_api.ts";
import { toast } from "./_toast.ts";

/** Stored preferences, as the API has them. */
export interface PlaybackPreferencesView {
  audioLanguage: string | null;
  subtitleLanguage: string | null;
  subtitleMode: "off" | "forced" | "always";
  maxBitrate: number | null;
}

/** Props of {@linkcode PlaybackSettings}. */
export interface PlaybackSettingsProps {
  lang: Lang;
  preferences: PlaybackPreferencesView;
  /** The languages offered: ISO 639-1 code and its name in the page's language. */
  languages: { code: string; name: string }[];
  /** The caps offered, bits per second. */
  qualities: number[];
  canEdit: boolean;
}

/** The form. */
export default function PlaybackSettings(props: PlaybackSettingsProps) {
  const { lang, preferences: p, languages } = props;
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState(p.subtitleMode);
  async function submit(e: Event) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const pick = (name: string) => String(data.get(name) ?? "") || null;
    const cap = pick("maxBitrate");
    setBusy(true);
    const r = await api("PUT", "/api/v1/users/me/preferences/playback", {
      audioLanguage: pick("audioLanguage"),
      subtitleLanguage: mode === "off" ? null : pick("subtitleLanguage"),
      subtitleMode: mode,
      maxBitrate: cap === null ? null : Number(cap),
    });
    setBusy(false);
    if (r.ok) toast(t(lang, "toast.saved"));
    else toast(t(lang, "toast.failed", { reason: r.body.detail ?? String(r.status) }), "error");
  }
  const options = (selected: string | null) =>
    languages.map((l) => (
      <option key={l.code} value={l.code} selected={l.code === selected}>{l.name}</option>
    ));
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="playback-h">
      <h2 id="playback-h">{t(lang, "settings.playback")}</h2>
      {!props.canEdit && <p role="note">{t(lang, "settings.readOnly")}</p>}
      <fieldset disabled={!props.canEdit || busy} class="plain-fieldset">
        <div class="field">
          <label for="pref-audio">{t(lang, "settings.audioLanguage")}</label>
          <select id="pref-audio" name="audioLanguage">
            <option value="" selected={p.audioLanguage === null}>
              {t(lang, "settings.fileDefault")}
            </option>
            {options(p.audioLanguage)}
          </select>
        </div>
        <div class="field">
          <label for="pref-subtitle-mode">{t(lang, "settings.subtitles")}</label>
          <select
            id="pref-subtitle-mode"
            name="subtitleMode"
            onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as typeof mode)}
          >
            <option value="off" selected={mode === "off"}>
              {t(lang, "settings.subtitlesOff")}
            </option>
            <option value="forced" selected={mode === "forced"}>
              {t(lang, "settings.subtitlesForced")}
            </option>
            <option value="always" selected={mode === "always"}>
              {t(lang, "settings.subtitlesAlways")}
            </option>
          </select>
        </div>
        <div class="field">
          <label for="pref-subtitle-language">{t(lang, "settings.subtitleLanguage")}</label>
          <select id="pref-subtitle-language" name="subtitleLanguage" disabled={mode === "off"}>
            <option value="" selected={p.subtitleLanguage === null}>
              {t(lang, "settings.sameAsAudio")}
            </option>
            {options(p.subtitleLanguage)}
          </select>
        </div>
        <div class="field">
          <label for="pref-quality">{t(lang, "settings.maxQuality")}</label>
          <select id="pref-quality" name="maxBitrate" aria-describedby="pref-quality-help">
            <option value="" selected={p.maxBitrate === null}>
              {t(lang, "settings.qualityOriginal")}
            </option>
            {props.qualities.map((b) => (
              <option key={b} value={String(b)} selected={b === p.maxBitrate}>
                {t(lang, "settings.qualityMbit", {
                  mbit: new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(b / 1e6),
                })}
              </option>
            ))}
          </select>
          <p id="pref-quality-help" class="muted">{t(lang, "settings.maxQualityHelp")}</p>
        </div>
        <div class="actions">
          <button type="submit" class="primary">{t(lang, "settings.save")}</button>
        </div>
      </fieldset>
    </form>
  );
}
