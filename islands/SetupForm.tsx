/**
 * First-run setup: the first administrator's name and password, posted to
 * `POST /api/v1/setup`, which signs them in (session cookie). Then home.
 */
import { useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { Field } from "../lib/ui/Field.tsx";
import { api, fieldError } from "./_api.ts";

/** Props of {@linkcode SetupForm}. */
export interface SetupFormProps {
  /** Where to go once the administrator exists. */
  next: string;
  /** The page's language (default English). */
  lang?: Lang;
}

/** The setup form. */
export default function SetupForm({ next, lang = "en" }: SetupFormProps) {
  const [errors, setErrors] = useState<{ username?: string; password?: string; form?: string }>(
    {},
  );
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    const r = await api("POST", "/api/v1/setup", {
      username: String(form.get("username") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    setBusy(false);
    if (r.ok) return location.assign(next);
    const username = fieldError(r, "username");
    const password = fieldError(r, "password");
    setErrors({
      username,
      password: password ?? (!username ? r.body.detail : undefined),
      form: r.status === 409 ? r.body.detail : undefined,
    });
  }
  return (
    <form onSubmit={submit} noValidate>
      {errors.form && <p class="error" role="alert">{errors.form}</p>}
      <Field
        id="setup-username"
        name="username"
        label={t(lang, "setup.username")}
        autocomplete="username"
        required
        maxLength={64}
        error={errors.username}
      />
      <Field
        id="setup-password"
        name="password"
        type="password"
        label={t(lang, "setup.password")}
        autocomplete="new-password"
        required
        error={errors.password}
      />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>{t(lang, "setup.submit")}</button>
      </div>
    </form>
  );
}
