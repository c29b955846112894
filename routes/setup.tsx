/**
 * `/setup`: first-run setup as a plain form, the page every browser is sent
 * to until the first administrator exists. It posts back here; the handler
 * calls the same setup service as `POST /api/v1/setup`, which refuses once
 * any user exists, logs the new administrator in and sends them on to
 * `next` (a path on this server only). Once set up, the page leads to the
 * login page.
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { renderPage } from "../lib/http/render.tsx";
import { auditContext } from "../lib/http/audit_context.ts";
import { safeNextPath } from "../lib/http/next_path.ts";
import { requireOwnOrigin } from "../lib/http/middleware/csrf.ts";
import { setSessionCookie } from "../lib/http/session_cookie.ts";
import { ValidationError } from "../lib/model/errors.ts";
import { safeText } from "../lib/model/unsafe_text.ts";
import { formError, formFields, refuseUnsafeText } from "./_form_page.ts";

/** Loads what the page shows; `undefined` once setup is done. */
export async function handler(
  c: { var: AppEnv["Variables"]; req: { query(n: string): string | undefined } },
) {
  if (!await c.var.services.auth.setup.isRequired()) return undefined;
  return { next: safeNextPath(c.req.query("next")), username: "" };
}

/** Props of the page, typed from the handler. */
export type SetupProps = NonNullable<Awaited<ReturnType<typeof handler>>> & { error?: string };

/** The page. */
export default function Setup({ next, username, error }: SetupProps) {
  return (
    <section class="card">
      <h1>Set up Revenge</h1>
      <p>Create the first administrator. You will be logged in as them.</p>
      {error && <p role="alert">{error}</p>}
      <form method="post" action="/setup">
        <input type="hidden" name="next" value={next} />
        <p>
          <label>
            Username (2 to 64 of A-Z a-z 0-9 . _ -)<br />
            <input name="username" value={username} autocomplete="username" required />
          </label>
        </p>
        <p>
          <label>
            Password (8 to 1024 characters)<br />
            <input
              type="password"
              name="password"
              autocomplete="new-password"
              minLength={8}
              required
            />
          </label>
        </p>
        <p>
          <button type="submit">Create administrator</button>
        </p>
      </form>
    </section>
  );
}

function page(props: SetupProps, status = 200, headers?: Headers) {
  const res = renderPage(<Setup {...props} />, { title: "Set up", status });
  headers?.forEach((v, k) => res.headers.set(k, v));
  return res;
}

/** Page routes, mounted at `/setup`. */
export const setup = new Hono<AppEnv>()
  .get("/", async (c) => {
    const props = await handler(c);
    return props ? page(props) : c.redirect("/login", 303);
  })
  .post("/", requireOwnOrigin(), async (c) => {
    const f = await formFields(c, ["username", "password", "next"]);
    const next = safeNextPath(f.next);
    try {
      refuseUnsafeText(f);
      // The JSON API's bounds (its schema); the service checks the rest.
      if (f.username.length > 64 || f.password.length > 4096) {
        throw new ValidationError("The username or password is too long.");
      }
      const r = await c.var.services.auth.setup.complete(
        { username: f.username, password: f.password },
        auditContext(c),
      );
      setSessionCookie(c, r.token, r.session);
      return c.redirect(next, 303);
    } catch (e) {
      const { status, message, headers } = formError(e);
      return page({ next, username: safeText(f.username), error: message }, status, headers);
    }
  });
