/** Password change on `/settings/security` (ends the user's other sessions). */
import { useState } from "preact/hooks";
import { Field } from "../lib/ui/Field.tsx";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api, fieldError } from "./_api.ts";

/** Props of {@linkcode PasswordChange}. */
export interface PasswordChangeProps {
  username: string;
  /** The page's language (default English). */
  lang?: Lang;
}

/** The password form. */
export default function PasswordChange({ username, lang = "en" }: PasswordChangeProps) {
  const [errors, setErrors] = useState<{ current?: string; next?: string }>({});
  const [done, setDone] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const r = await api("POST", "/api/v1/users/me/password", {
      currentPassword: String(data.get("currentPassword") ?? ""),
      newPassword: String(data.get("newPassword") ?? ""),
    });
    if (!r.ok) {
      const next = fieldError(r, "newPassword");
      return setErrors({
        current: fieldError(r, "currentPassword") ??
          (next ? undefined : r.body.detail ?? t(lang, "password.failed")),
        next,
      });
    }
    setErrors({});
    setDone(true);
    form.reset();
  }
  return (
    <section class="card" aria-labelledby="password-h">
      <h2 id="password-h">{t(lang, "password.title")}</h2>
      <form onSubmit={submit} noValidate>
        <input type="hidden" name="username" autocomplete="username" value={username} />
        <Field
          id="password-current"
          name="currentPassword"
          type="password"
          label={t(lang, "password.current")}
          autocomplete="current-password"
          required
          error={errors.current}
        />
        <Field
          id="password-new"
          name="newPassword"
          type="password"
          label={t(lang, "password.new")}
          autocomplete="new-password"
          required
          error={errors.next}
        />
        <div class="actions">
          <button type="submit" class="primary">{t(lang, "password.submit")}</button>
        </div>
        {done && <p role="status">{t(lang, "password.done")}</p>}
      </form>
    </section>
  );
}
