/**
 * The changeable parts of `/admin/settings`: open registration (a runtime
 * setting, `PATCH /api/v1/admin/settings`) and the TMDb "Test" button (a
 * search through the metadata API, as the wizard's).
 */
import { useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api } from "./_api.ts";

/** Props of {@linkcode AdminSettings}. */
export interface AdminSettingsProps {
  lang: Lang;
  value: boolean;
  source: "setting" | "environment";
  canManage: boolean;
}

/** The open registration switch. */
export default function AdminSettings(props: AdminSettingsProps) {
  const { lang } = props;
  const [value, setValue] = useState(props.value);
  const [source, setSource] = useState(props.source);
  const [message, setMessage] = useState<string>();
  async function save() {
    const r = await api<{ openRegistration: { value: boolean; source: "setting" } }>(
      "PATCH",
      "/api/v1/admin/settings",
      { openRegistration: value },
    );
    if (!r.ok) {
      return setMessage(t(lang, "admin.failed", { reason: r.body.detail ?? String(r.status) }));
    }
    setValue(r.body.openRegistration.value);
    setSource(r.body.openRegistration.source);
    setMessage(t(lang, "admin.saved"));
  }
  return (
    <div class="stack">
      <label class="check" for="setting-open-registration">
        <input
          id="setting-open-registration"
          type="checkbox"
          checked={value}
          disabled={!props.canManage}
          onChange={(e) => setValue((e.currentTarget as HTMLInputElement).checked)}
        />{" "}
        {t(lang, "admin.settings.openRegistration")}
      </label>
      <p class="muted">
        {t(lang, source === "setting" ? "admin.settings.fromSetting" : "admin.settings.fromEnv", {
          env: "REVENGE_OPEN_REGISTRATION",
        })}
      </p>
      {props.canManage && (
        <div class="actions">
          <button type="button" class="primary" onClick={save}>
            {t(lang, "admin.settings.saveRegistration")}
          </button>
        </div>
      )}
      <p role="status" class="muted">{message}</p>
    </div>
  );
}
