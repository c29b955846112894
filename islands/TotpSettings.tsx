/**
 * The authenticator-app (TOTP) section of `/settings/security`: set up with
 * the QR code (or the secret typed in), enable with the first code, remove;
 * and the backup codes: generated on request, shown once, with copy and
 * download.
 */
import { useState } from "preact/hooks";
import { Field } from "../lib/ui/Field.tsx";
import { api, fieldError } from "./_api.ts";
import { useConfirmation } from "./_confirm.tsx";

/** Props of {@linkcode TotpSettings}. */
export interface TotpSettingsProps {
  enabled: boolean;
  backupCodesRemaining: number;
}

/** The TOTP and backup-code settings. */
export default function TotpSettings(props: TotpSettingsProps) {
  const [enabled, setEnabled] = useState(props.enabled);
  const [remaining, setRemaining] = useState(props.backupCodesRemaining);
  const [setup, setSetup] = useState<{ secret: string; qr: string } | undefined>();
  const [codes, setCodes] = useState<string[] | undefined>();
  const [error, setError] = useState<{ code?: string; totp?: string; backup?: string }>({});
  const confirm = useConfirmation("totp-confirm");

  async function start() {
    const r = await api<{ secret: string; qr: string }>(
      "POST",
      "/api/v1/mfa/totp/setup",
      confirm.proof(),
    );
    if (confirm.check(r)) return;
    if (!r.ok) return setError({ totp: r.body.detail });
    setError({});
    setSetup(r.body);
  }
  async function verify(e: Event) {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget as HTMLFormElement).get("code") ?? "").trim();
    const r = await api("POST", "/api/v1/mfa/totp/verify", { code });
    if (!r.ok) return setError({ code: fieldError(r, "code") ?? r.body.detail });
    setError({});
    setSetup(undefined);
    setEnabled(true);
  }
  async function remove() {
    const r = await api("DELETE", "/api/v1/mfa/totp", confirm.proof());
    if (confirm.check(r)) return;
    if (!r.ok) return setError({ totp: r.body.detail });
    setEnabled(false);
  }
  async function generate() {
    const path = remaining > 0 ? "regenerate" : "generate";
    const r = await api<{ codes: string[] }>(
      "POST",
      `/api/v1/mfa/backup-codes/${path}`,
      confirm.proof(),
    );
    if (confirm.check(r)) return;
    if (!r.ok) return setError({ backup: r.body.detail });
    setError({});
    setCodes(r.body.codes);
    setRemaining(r.body.codes.length);
  }
  function download() {
    const blob = new Blob([codes!.join("\n") + "\n"], { type: "text/plain" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "revenge-backup-codes.txt";
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  return (
    <div>
      <section class="card" aria-labelledby="totp-h">
        <h2 id="totp-h">Authenticator app</h2>
        {confirm.field}
        {enabled && !setup && (
          <>
            <p>On: signing in with your password asks for a code from your app.</p>
            <button type="button" onClick={remove}>Remove authenticator app</button>
          </>
        )}
        {!enabled && !setup && (
          <>
            <p>Use an app such as Aegis, Google Authenticator or 1Password for 6-digit codes.</p>
            <button type="button" onClick={start}>Set up authenticator app</button>
          </>
        )}
        {setup && (
          <form onSubmit={verify} noValidate>
            <p>Scan this code with your app, or type the key in by hand.</p>
            <img class="qr" src={setup.qr} alt="QR code of the authenticator app key" />
            <p>
              Key: <code data-totp-secret>{setup.secret}</code>
            </p>
            <Field
              id="totp-code"
              name="code"
              label="Code from the app"
              autocomplete="one-time-code"
              inputMode="numeric"
              required
              maxLength={64}
              error={error.code}
            />
            <div class="actions">
              <button type="submit" class="primary">Turn on</button>
            </div>
          </form>
        )}
        {error.totp && <p class="error" role="alert">{error.totp}</p>}
      </section>
      <section class="card" aria-labelledby="backup-h">
        <h2 id="backup-h">Backup codes</h2>
        <p>
          For when your phone or key is lost: each code works once.{" "}
          <span data-backup-remaining>{remaining}</span> unused.
        </p>
        {codes && (
          <div>
            <p role="status">Store these now: they are shown only this once.</p>
            <ol class="codes" aria-label="Backup codes">
              {codes.map((c) => <li key={c}>{c}</li>)}
            </ol>
            <div class="actions">
              <button
                type="button"
                onClick={() => navigator.clipboard?.writeText(codes.join("\n"))}
              >
                Copy
              </button>
              <button type="button" onClick={download}>Download</button>
            </div>
          </div>
        )}
        <button type="button" onClick={generate}>
          {remaining > 0 ? "Replace backup codes" : "Make backup codes"}
        </button>
        {error.backup && <p class="error" role="alert">{error.backup}</p>}
      </section>
    </div>
  );
}
