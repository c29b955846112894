/**
 * Signing in: username and password, then (when the account has one) the
 * second factor: a code (TOTP or a backup code) or a passkey. A passkey can
 * also sign in on its own, with the "Sign in with a passkey" button or from
 * the browser's autofill on the Username field (conditional mediation).
 * Success lands on the validated `next`.
 */
import { useEffect, useState } from "preact/hooks";
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  WebAuthnAbortService,
} from "@simplewebauthn/browser";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { Field } from "../lib/ui/Field.tsx";
import { api, fieldError } from "./_api.ts";

/** Props of {@linkcode LoginForm}. */
export interface LoginFormProps {
  /** The page\'s language (default English). */
  lang?: Lang;
  /** Where to go after signing in (validated on the server). */
  next: string;
}

interface Errors {
  username?: string;
  password?: string;
  code?: string;
  passkey?: string;
}

/** The login form. */
export default function LoginForm({ next, lang = "en" }: LoginFormProps) {
  const [mfa, setMfa] = useState<{ token: string; methods: string[] } | undefined>();
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [webauthn, setWebauthn] = useState(false);

  async function passkey(mfaToken?: string, autofill = false) {
    const options = await api("POST", "/api/v1/auth/webauthn/login/options", { mfaToken });
    if (!options.ok) {
      if (!autofill) {
        setErrors({ passkey: options.body.detail ?? t(lang, "login.passkeysUnavailable") });
      }
      return;
    }
    let assertion;
    try {
      assertion = await startAuthentication({
        // deno-lint-ignore no-explicit-any
        optionsJSON: options.body as any,
        useBrowserAutofill: autofill,
      });
    } catch (e) {
      // An autofill request is cancelled whenever another ceremony starts: not an error.
      if (!autofill && (e as Error).name !== "AbortError") {
        setErrors({ passkey: t(lang, "login.noPasskey") });
      }
      return;
    }
    const r = await api("POST", "/api/v1/auth/webauthn/login/verify", { assertion, mfaToken });
    if (r.ok) return location.assign(next);
    setErrors({ passkey: r.body.detail ?? t(lang, "login.passkeyRefused") });
  }

  useEffect(() => {
    setWebauthn(browserSupportsWebAuthn());
    browserSupportsWebAuthnAutofill().then((yes) => {
      if (yes) passkey(undefined, true);
    });
    return () => WebAuthnAbortService.cancelCeremony();
  }, []);

  async function password(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    const r = await api<{ mfaRequired?: boolean; mfaToken: string; methods: string[] }>(
      "POST",
      "/api/v1/auth/login",
      {
        username: String(form.get("username") ?? ""),
        password: String(form.get("password") ?? ""),
      },
    );
    setBusy(false);
    if (!r.ok) {
      const username = fieldError(r, "username");
      return setErrors({
        username,
        password: fieldError(r, "password") ??
          (username ? undefined : r.body.detail ?? t(lang, "login.failed")),
      });
    }
    if (!r.body.mfaRequired) return location.assign(next);
    WebAuthnAbortService.cancelCeremony();
    setErrors({});
    setMfa({ token: r.body.mfaToken, methods: r.body.methods });
  }

  async function code(e: Event) {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget as HTMLFormElement).get("code") ?? "").trim();
    // Six digits are a TOTP code; anything longer is a backup code.
    const method = /^\d{6}$/.test(value.replace(/\s/g, "")) ? "totp" : "backup_code";
    setBusy(true);
    const r = await api("POST", "/api/v1/auth/mfa/verify", {
      mfaToken: mfa!.token,
      method,
      code: value.replace(/\s/g, "") || value,
    });
    setBusy(false);
    if (r.ok) return location.assign(next);
    if (r.status === 401 && /expired/i.test(r.body.detail ?? "")) setMfa(undefined);
    setErrors({ code: fieldError(r, "code") ?? r.body.detail ?? t(lang, "login.codeRefused") });
  }

  if (mfa) {
    return (
      <div>
        <h2>{t(lang, "login.secondStep")}</h2>
        <form onSubmit={code} noValidate>
          <Field
            id="login-code"
            name="code"
            label={t(lang, "login.code")}
            autocomplete="one-time-code"
            inputMode="text"
            required
            maxLength={64}
            autoFocus
            error={errors.code}
          />
          <p class="muted">{t(lang, "login.codeHelp")}</p>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>{t(lang, "login.verify")}</button>
            {mfa.methods.includes("webauthn") && webauthn && (
              <button
                type="button"
                onClick={() => passkey(mfa.token)}
              >
                {t(lang, "login.usePasskey")}
              </button>
            )}
          </div>
          {errors.passkey && <p class="error" role="alert">{errors.passkey}</p>}
        </form>
      </div>
    );
  }
  return (
    <div>
      <form onSubmit={password} noValidate>
        <Field
          id="login-username"
          name="username"
          label={t(lang, "setup.username")}
          autocomplete="username webauthn"
          required
          maxLength={256}
          error={errors.username}
        />
        <Field
          id="login-password"
          name="password"
          type="password"
          label={t(lang, "setup.password")}
          autocomplete="current-password"
          required
          error={errors.password}
        />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>{t(lang, "login.submit")}</button>
        </div>
      </form>
      {webauthn && (
        <div class="actions">
          <button type="button" onClick={() => passkey()}>
            {t(lang, "login.withPasskey")}
          </button>
        </div>
      )}
      {errors.passkey && <p class="error" role="alert">{errors.passkey}</p>}
    </div>
  );
}
