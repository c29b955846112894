/**
 * The profile form of `/settings/profile`: display name, e-mail and the
 * UI language, saved with `PATCH /api/v1/users/me`. A new language reloads
 * the page in it; every result is a toast.
 */
import { useState } from "preact/hooks";
import { Field } from "../lib/ui/Field.tsx";
import { isLang, type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api, fieldError } from "./_api.ts";
import { reloadWithToast, toast } from "./_toast.ts";

/** The first of the browser's languages Revenge speaks, else English (as `pickLanguage`). */
function browserLanguage(): Lang {
  for (const tag of navigator.languages ?? []) {
    const primary = tag.split("-")[0].toLowerCase();
    if (isLang(primary)) return primary;
  }
  return "en";
}

/** Props of {@linkcode ProfileSettings}. */
export interface ProfileSettingsProps {
  lang: Lang;
  username: string;
  displayName: string | null;
  email: string | null;
  /** The stored choice; null: the browser's. */
  language: Lang | null;
  canEdit: boolean;
}

/** The form. */
export default function ProfileSettings(props: ProfileSettingsProps) {
  const { lang } = props;
  const [errors, setErrors] = useState<{ displayName?: string; email?: string }>({});
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? "").trim() || null;
    const language = (String(data.get("language") ?? "") || null) as Lang | null;
    setBusy(true);
    const r = await api("PATCH", "/api/v1/users/me", {
      displayName: text("displayName"),
      email: text("email"),
      language,
    });
    setBusy(false);
    if (!r.ok) {
      setErrors({ displayName: fieldError(r, "displayName"), email: fieldError(r, "email") });
      toast(t(lang, "toast.failed", { reason: r.body.detail ?? String(r.status) }), "error");
      return;
    }
    setErrors({});
    // Another language: the page again, in it (the setting wins over the browser's), and the
    // toast in it too ("none" follows the browser's languages, as the server does).
    if (language !== props.language) {
      reloadWithToast(t(language ?? browserLanguage(), "toast.saved"));
    } else toast(t(lang, "toast.saved"));
  }
  return (
    <form class="card stack" onSubmit={submit} noValidate aria-labelledby="profile-h">
      <h2 id="profile-h">{t(lang, "settings.profile")}</h2>
      <p class="muted">{t(lang, "settings.username", { username: props.username })}</p>
      {!props.canEdit && <p role="note">{t(lang, "settings.readOnly")}</p>}
      <fieldset disabled={!props.canEdit || busy} class="plain-fieldset">
        <Field
          id="profile-display-name"
          name="displayName"
          label={t(lang, "settings.displayName")}
          autocomplete="name"
          maxLength={128}
          value={props.displayName ?? ""}
          error={errors.displayName}
        />
        <Field
          id="profile-email"
          name="email"
          type="email"
          label={t(lang, "settings.email")}
          autocomplete="email"
          maxLength={254}
          value={props.email ?? ""}
          error={errors.email}
        />
        <div class="field">
          <label for="profile-language">{t(lang, "settings.language")}</label>
          <select id="profile-language" name="language">
            <option value="" selected={props.language === null}>
              {t(lang, "settings.languageBrowser")}
            </option>
            <option value="en" lang="en" selected={props.language === "en"}>English</option>
            <option value="de" lang="de" selected={props.language === "de"}>Deutsch</option>
          </select>
        </div>
        <div class="actions">
          <button type="submit" class="primary">{t(lang, "settings.save")}</button>
        </div>
      </fieldset>
    </form>
  );
}
