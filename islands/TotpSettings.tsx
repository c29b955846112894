/**
 * The authenticator-app (TOTP) section of `/settings/security`: set up with
 * the QR code (or the secret typed in), enable with the first code, remove;
 * and the backup codes: generated on request, shown once, with copy and
 * download.
 */
import { useState } from "preact/hooks";
import { Field } from "../lib/ui/Field.tsx";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api, fieldError } from "./_api.ts";
import { useConfirmation } from "./_confirm.tsx";

/** Props of {@linkcode TotpSettings}. */
export interface TotpSettingsProps {
  enabled: boolean;
  backupCodesRemaining: number;
  /** The page's language (default English). */
  lang?: Lang;
}

/** The TOTP and backup-code settings. */
export default function TotpSettings(props: TotpSettingsProps) {
  const lang = props.lang ?? "en";
  const [enabled, setEnabled] = useState(props.enabled);
  const [remaining, setRemaining] = useState(props.backupCodesRemaining);
  const [setup, setSetup] = useState<{ secret: string; qr: string } | undefined>();
  const [codes, setCodes] = useState<string[] | undefined>();
  const [error, setError] = useState<{ code?: string; totp?: string; backup?: string }>({});
  const confirm = useConfirmation("totp-confirm", lang);

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
        <h2 id="totp-h">{t(lang, "totp.title")}</h2>
        {confirm.field}
        {enabled && !setup && (
          <>
            <p>{t(lang, "totp.on")}</p>
            <button type="button" onClick={remove}>{t(lang, "totp.remove")}</button>
          </>
        )}
        {!enabled && !setup && (
          <>
            <p>{t(lang, "totp.intro")}</p>
            <button type="button" onClick={start}>{t(lang, "totp.setUp")}</button>
          </>
        )}
        {setup && (
          <form onSubmit={verify} noValidate>
            <p>{t(lang, "totp.scan")}</p>
            <img class="qr" src={setup.qr} alt={t(lang, "totp.qr")} />
            <p>
              {t(lang, "totp.key")} <code data-totp-secret>{setup.secret}</code>
            </p>
            <Field
              id="totp-code"
              name="code"
              label={t(lang, "totp.code")}
              autocomplete="one-time-code"
              inputMode="numeric"
              required
              maxLength={64}
              error={error.code}
            />
            <div class="actions">
              <button type="submit" class="primary">{t(lang, "totp.turnOn")}</button>
            </div>
          </form>
        )}
        {error.totp && <p class="error" role="alert">{error.totp}</p>}
      </section>
      <section class="card" aria-labelledby="backup-h">
        <h2 id="backup-h">{t(lang, "backup.title")}</h2>
        <p>
          {t(lang, "backup.intro")} <span data-backup-remaining>{remaining}</span>{" "}
          {t(lang, "backup.unused")}
        </p>
        {codes && (
          <div>
            <p role="status">{t(lang, "backup.storeNow")}</p>
            <ol class="codes" aria-label={t(lang, "backup.title")}>
              {codes.map((c) => <li key={c}>{c}</li>)}
            </ol>
            <div class="actions">
              <button
                type="button"
                onClick={() => navigator.clipboard?.writeText(codes.join("\n"))}
              >
                {t(lang, "backup.copy")}
              </button>
              <button type="button" onClick={download}>{t(lang, "backup.download")}</button>
            </div>
          </div>
        )}
        <button type="button" onClick={generate}>
          {remaining > 0 ? t(lang, "backup.replace") : t(lang, "backup.make")}
        </button>
        {error.backup && <p class="error" role="alert">{error.backup}</p>}
      </section>
    </div>
  );
}
