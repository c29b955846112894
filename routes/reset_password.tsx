/**
 * `/reset-password?token=…`: the page a password reset link opens. A plain
 * form (no script needed) posts the token and the new password back here;
 * the service checks the token, sets the password and ends every session.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { pickLanguage, t } from "../lib/ui/i18n/translate.ts";
import { useT } from "../lib/ui/i18n/use_t.ts";
import type { AppEnv } from "../lib/http/types.ts";
import { renderPage } from "../lib/http/render.tsx";
import { auditContext } from "../lib/http/audit_context.ts";
import { DomainError, RateLimitedError } from "../lib/model/errors.ts";
import { domainStatus } from "../lib/http/problem.ts";
import { throwIssues } from "../lib/http/router.ts";
import { findUnsafeText, safeText } from "../lib/model/unsafe_text.ts";

/** Props of the page. */
export interface ResetPasswordProps {
  token: string;
  error?: string;
  done?: boolean;
}

/** The page. */
export default function ResetPassword({ token, error, done }: ResetPasswordProps) {
  const t = useT();
  if (done) {
    return (
      <section class="card">
        <h1>{t("reset.done")}</h1>
        <p>{t("reset.doneText")}</p>
        <p>
          <a href="/">{t("reset.goHome")}</a>
        </p>
      </section>
    );
  }
  return (
    <section class="card">
      <h1>{t("reset.choose")}</h1>
      {error && <p role="alert">{error}</p>}
      <form method="post" action="/reset-password">
        <input type="hidden" name="token" value={token} />
        <p>
          <label>
            {t("reset.newPassword")}
            <br />
            <input
              type="password"
              name="newPassword"
              autocomplete="new-password"
              minLength={8}
              required
            />
          </label>
        </p>
        <p>
          <button type="submit">{t("reset.submit")}</button>
        </p>
      </form>
    </section>
  );
}

// The token sits in this page's URL. It does not leak: the page loads nothing
// from elsewhere, the referrer policy sends only our origin cross-site, and the
// access log never records query strings.
function page(
  c: Context<AppEnv>,
  props: ResetPasswordProps,
  status = 200,
  headers: Record<string, string> = {},
) {
  // Signed out: the browser's language.
  const lang = pickLanguage(undefined, c.req.header("accept-language"));
  const res = renderPage(<ResetPassword {...props} />, {
    title: t(lang, "reset.title"),
    status,
    lang,
  });
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

/** Page routes, mounted at `/reset-password`. */
export const resetPassword = new Hono<AppEnv>()
  .get("/", (c) => page(c, { token: c.req.query("token") ?? "" }))
  .post("/", async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token : "";
    const newPassword = typeof form.newPassword === "string" ? form.newPassword : "";
    try {
      throwIssues("body", findUnsafeText({ token, newPassword }, "body"));
      await c.var.services.auth.passwordResets.reset(token, newPassword, auditContext(c));
    } catch (e) {
      if (e instanceof DomainError) {
        const status = domainStatus(e);
        const headers: Record<string, string> = e instanceof RateLimitedError
          ? { "retry-after": String(e.retryAfterSeconds) }
          : {};
        return page(c, { token: safeText(token), error: e.message }, status, headers);
      }
      throw e;
    }
    return page(c, { token: "", done: true });
  });
