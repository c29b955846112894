/**
 * `/login?next=/path`: the login page, a plain form that works without
 * script. It posts back here; the handler calls the same session service as
 * `POST /api/v1/auth/login` (same throttle, audit and cookies) and sends the
 * browser on to `next`, which is only ever a path on this server
 * (`next_path.ts`). Browsers asking for a page without a session are sent
 * here by the authentication middleware.
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { renderPage } from "../lib/http/render.tsx";
import { auditContext } from "../lib/http/audit_context.ts";
import { safeNextPath } from "../lib/http/next_path.ts";
import { requireOwnOrigin } from "../lib/http/middleware/csrf.ts";
import { readDeviceCookie, setDeviceCookie } from "../lib/http/device_cookie.ts";
import { readSessionCookie, setSessionCookie } from "../lib/http/session_cookie.ts";
import { ConflictError, ValidationError } from "../lib/model/errors.ts";
import { safeText } from "../lib/model/unsafe_text.ts";
import { formError, formFields, refuseUnsafeText } from "./_form_page.ts";

/** Loads what the page shows. */
export function handler(c: { req: { query(name: string): string | undefined } }) {
  return { next: safeNextPath(c.req.query("next")), username: "" };
}

/** Props of the page, typed from the handler. */
export type LoginProps = ReturnType<typeof handler> & { error?: string };

/** The page. */
export default function Login({ next, username, error }: LoginProps) {
  return (
    <section class="card">
      <h1>Log in</h1>
      {error && <p role="alert">{error}</p>}
      <form method="post" action="/login">
        <input type="hidden" name="next" value={next} />
        <p>
          <label>
            Username<br />
            <input name="username" value={username} autocomplete="username" required />
          </label>
        </p>
        <p>
          <label>
            Password<br />
            <input type="password" name="password" autocomplete="current-password" required />
          </label>
        </p>
        <p>
          <button type="submit">Log in</button>
        </p>
      </form>
    </section>
  );
}

function page(props: LoginProps, status = 200, headers?: Headers) {
  const res = renderPage(<Login {...props} />, { title: "Log in", status });
  headers?.forEach((v, k) => res.headers.set(k, v));
  return res;
}

/** Page routes, mounted at `/login`. */
export const login = new Hono<AppEnv>()
  .get("/", (c) => page(handler(c)))
  .post("/", requireOwnOrigin(), async (c) => {
    const f = await formFields(c, ["username", "password", "next"]);
    const next = safeNextPath(f.next);
    try {
      try {
        refuseUnsafeText(f);
        // The JSON API's bounds (its schema), so the form is no way around them.
        if (f.username.length > 256 || f.password.length > 4096) {
          throw new ValidationError("The username or password is too long.");
        }
      } catch (e) {
        // A login refused for its input is audited like any failed login (as the API does).
        await c.var.services.auth.sessions.refused(
          f.username.slice(0, 256),
          `invalid input: ${(e as ValidationError).message}`,
          auditContext(c),
        );
        throw e;
      }
      const r = await c.var.services.auth.sessions.login(
        { username: f.username, password: f.password },
        auditContext(c),
        { previousToken: readSessionCookie(c), deviceToken: readDeviceCookie(c) },
      );
      if (r.mfaRequired) {
        // TODO(#9): the second-factor step of this page; until then the API's two steps.
        throw new ConflictError(
          "This account has a second factor: complete the sign-in with its code " +
            "(POST /api/v1/auth/mfa/verify).",
        );
      }
      setSessionCookie(c, r.token, r.session);
      setDeviceCookie(c, r.deviceToken);
      return c.redirect(next, 303);
    } catch (e) {
      const { status, message, headers } = formError(e);
      return page({ next, username: safeText(f.username), error: message }, status, headers);
    }
  });
