/**
 * The passkeys section of `/settings/security`: the list, with add (the
 * browser's create ceremony through `@simplewebauthn/browser`), rename and
 * delete.
 */
import { useState } from "preact/hooks";
import { browserSupportsWebAuthn, startRegistration } from "@simplewebauthn/browser";
import { Field } from "../lib/ui/Field.tsx";
import { formatDate, type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api, fieldError } from "./_api.ts";
import { useConfirmation } from "./_confirm.tsx";

/** One passkey as the list shows it. */
export interface PasskeyItem {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  possiblyClonedAt: string | null;
}

/** Props of {@linkcode PasskeySettings}. */
export interface PasskeySettingsProps {
  passkeys: PasskeyItem[];
  /** The page's language (default English). */
  lang?: Lang;
}

/** The passkey settings. */
export default function PasskeySettings(props: PasskeySettingsProps) {
  const lang = props.lang ?? "en";
  const day = (iso: string | null) => iso ? formatDate(lang, iso) : t(lang, "passkeys.never");
  const [items, setItems] = useState(props.passkeys);
  const [editing, setEditing] = useState<string | undefined>();
  const [error, setError] = useState<{ add?: string; name?: string; list?: string }>({});
  const [busy, setBusy] = useState(false);
  const confirm = useConfirmation("passkey-confirm", lang);

  async function reload() {
    const r = await api<{ items: PasskeyItem[] }>("GET", "/api/v1/mfa/webauthn/credentials");
    if (r.ok) setItems(r.body.items);
  }
  async function add(e: Event) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget as HTMLFormElement).get("name") ?? "").trim();
    if (!browserSupportsWebAuthn()) return setError({ add: t(lang, "passkeys.unsupported") });
    setBusy(true);
    try {
      const options = await api("POST", "/api/v1/mfa/webauthn/register/options", confirm.proof());
      if (confirm.check(options)) return;
      if (!options.ok) return setError({ add: options.body.detail });
      let response;
      try {
        // deno-lint-ignore no-explicit-any
        response = await startRegistration({ optionsJSON: options.body as any });
      } catch {
        return setError({ add: t(lang, "passkeys.notMade") });
      }
      const r = await api("POST", "/api/v1/mfa/webauthn/register/verify", {
        response,
        ...(name ? { name } : {}),
      });
      if (!r.ok) return setError({ add: fieldError(r, "name") ?? r.body.detail });
      setError({});
      (e.target as HTMLFormElement).reset();
      await reload();
    } finally {
      setBusy(false);
    }
  }
  async function rename(e: Event, id: string) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget as HTMLFormElement).get("name") ?? "").trim();
    const r = await api("PATCH", `/api/v1/mfa/webauthn/credentials/${id}`, { name });
    if (!r.ok) return setError({ name: fieldError(r, "name") ?? r.body.detail });
    setError({});
    setEditing(undefined);
    await reload();
  }
  async function remove(id: string) {
    const r = await api("DELETE", `/api/v1/mfa/webauthn/credentials/${id}`, confirm.proof());
    if (confirm.check(r)) return;
    if (!r.ok) return setError({ list: r.body.detail });
    setError({});
    await reload();
  }

  return (
    <section class="card" aria-labelledby="passkeys-h">
      <h2 id="passkeys-h">{t(lang, "passkeys.title")}</h2>
      <p>{t(lang, "passkeys.intro")}</p>
      {confirm.field}
      {items.length === 0
        ? <p class="muted">{t(lang, "passkeys.none")}</p>
        : (
          <ul class="stack" aria-label={t(lang, "passkeys.list")}>
            {items.map((p) => (
              <li key={p.id} data-passkey={p.name}>
                {editing === p.id
                  ? (
                    <form onSubmit={(e) => rename(e, p.id)} noValidate>
                      <Field
                        id={`rename-${p.id}`}
                        name="name"
                        label={t(lang, "passkeys.newName", { name: p.name })}
                        value={p.name}
                        required
                        maxLength={100}
                        error={error.name}
                      />
                      <div class="actions">
                        <button type="submit" class="primary">{t(lang, "passkeys.save")}</button>
                        <button type="button" onClick={() => setEditing(undefined)}>
                          {t(lang, "passkeys.cancel")}
                        </button>
                      </div>
                    </form>
                  )
                  : (
                    <>
                      <strong>{p.name}</strong>{" "}
                      <span class="muted">
                        {t(lang, "passkeys.used", {
                          added: day(p.createdAt),
                          used: day(p.lastUsedAt),
                        })}
                      </span>
                      {p.possiblyClonedAt && (
                        <p class="error">
                          {t(lang, "passkeys.cloned", { since: day(p.possiblyClonedAt) })}
                        </p>
                      )}
                      <div class="actions">
                        <button
                          type="button"
                          aria-label={t(lang, "passkeys.renameOne", { name: p.name })}
                          onClick={() => setEditing(p.id)}
                        >
                          {t(lang, "passkeys.rename")}
                        </button>
                        <button
                          type="button"
                          aria-label={t(lang, "passkeys.deleteOne", { name: p.name })}
                          onClick={() => remove(p.id)}
                        >
                          {t(lang, "passkeys.delete")}
                        </button>
                      </div>
                    </>
                  )}
              </li>
            ))}
          </ul>
        )}
      {error.list && <p class="error" role="alert">{error.list}</p>}
      <form onSubmit={add} noValidate>
        <Field
          id="passkey-name"
          name="name"
          label={t(lang, "passkeys.name")}
          maxLength={100}
          error={error.add}
        />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t(lang, "passkeys.add")}
          </button>
        </div>
      </form>
    </section>
  );
}
