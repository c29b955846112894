/**
 * Fresh confirmation for sensitive changes: when the API answers that the
 * change needs one, the section asks for the current password right there
 * and the next try sends it.
 */
import { useState } from "preact/hooks";
import { Field } from "../lib/ui/Field.tsx";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { type ApiReply, needsConfirmation } from "./_api.ts";

/** State and field of a section's confirmation. */
export function useConfirmation(id: string, lang: Lang = "en") {
  const [asked, setAsked] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>();
  return {
    /** The body to send: `{password}` once asked for. */
    proof: () => (asked && password ? { password } : {}),
    /** Looks at a reply; true when it asked for a confirmation (the field is shown). */
    check(r: ApiReply<unknown>): boolean {
      if (needsConfirmation(r)) {
        setAsked(true);
        setError(t(lang, "confirm.ask"));
        return true;
      }
      if (r.status === 401 && asked) {
        setError(r.body.detail ?? t(lang, "confirm.wrong"));
        return true;
      }
      setError(undefined);
      return false;
    },
    field: asked
      ? (
        <Field
          id={id}
          label={t(lang, "password.current")}
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e: Event) => setPassword((e.currentTarget as HTMLInputElement).value)}
          error={error}
        />
      )
      : null,
  };
}
