/**
 * The passkeys section of `/settings/security`: the list, with add (the
 * browser's create ceremony through `@simplewebauthn/browser`), rename and
 * delete.
 */
import { useState } from "preact/hooks";
import { browserSupportsWebAuthn, startRegistration } from "@simplewebauthn/browser";
import { Field } from "../lib/ui/Field.tsx";
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
}

const day = (iso: string | null) => iso ? new Date(iso).toISOString().slice(0, 10) : "never";

/** The passkey settings. */
export default function PasskeySettings(props: PasskeySettingsProps) {
  const [items, setItems] = useState(props.passkeys);
  const [editing, setEditing] = useState<string | undefined>();
  const [error, setError] = useState<{ add?: string; name?: string; list?: string }>({});
  const [busy, setBusy] = useState(false);
  const confirm = useConfirmation("passkey-confirm");

  async function reload() {
    const r = await api<{ items: PasskeyItem[] }>("GET", "/api/v1/mfa/webauthn/credentials");
    if (r.ok) setItems(r.body.items);
  }
  async function add(e: Event) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget as HTMLFormElement).get("name") ?? "").trim();
    if (!browserSupportsWebAuthn()) return setError({ add: "This browser has no passkeys." });
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
        return setError({ add: "No passkey was made. Try again." });
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
      <h2 id="passkeys-h">Passkeys</h2>
      <p>Sign in with your fingerprint, face or device PIN, with or without your password.</p>
      {confirm.field}
      {items.length === 0
        ? <p class="muted">No passkeys yet.</p>
        : (
          <ul class="stack" aria-label="Your passkeys">
            {items.map((p) => (
              <li key={p.id} data-passkey={p.name}>
                {editing === p.id
                  ? (
                    <form onSubmit={(e) => rename(e, p.id)} noValidate>
                      <Field
                        id={`rename-${p.id}`}
                        name="name"
                        label={`New name for ${p.name}`}
                        value={p.name}
                        required
                        maxLength={100}
                        error={error.name}
                      />
                      <div class="actions">
                        <button type="submit" class="primary">Save</button>
                        <button type="button" onClick={() => setEditing(undefined)}>Cancel</button>
                      </div>
                    </form>
                  )
                  : (
                    <>
                      <strong>{p.name}</strong>{" "}
                      <span class="muted">
                        added {day(p.createdAt)}, last used {day(p.lastUsedAt)}
                      </span>
                      {p.possiblyClonedAt && (
                        <p class="error">
                          Refused since {day(p.possiblyClonedAt)}: it may have been copied.
                        </p>
                      )}
                      <div class="actions">
                        <button
                          type="button"
                          aria-label={`Rename ${p.name}`}
                          onClick={() => setEditing(p.id)}
                        >
                          Rename
                        </button>
                        <button
                          type="button"
                          aria-label={`Delete ${p.name}`}
                          onClick={() => remove(p.id)}
                        >
                          Delete
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
          label="Name of the new passkey (optional)"
          maxLength={100}
          error={error.add}
        />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>Add a passkey</button>
        </div>
      </form>
    </section>
  );
}
