/**
 * `/login?next=…`: signing in (password, then the second factor; or a
 * passkey alone). Someone signed in already goes straight to `next`.
 * `next` is only ever a path on this server (`safeNext`).
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { Island } from "../lib/http/island.tsx";
import { safeNext } from "../lib/model/next_path.ts";
import LoginForm from "../islands/LoginForm.tsx";
import { useT } from "../lib/ui/i18n/use_t.ts";
import { page, pageContext } from "./_page.tsx";

/** Loads what the page shows. */
export function handler(
  c: { var: AppEnv["Variables"]; req: { query(k: string): string | undefined } },
) {
  return { next: safeNext(c.req.query("next")), signedIn: !!c.var.principal };
}

/** Props of the page, typed from the handler. */
export type LoginProps = ReturnType<typeof handler>;

/** The page. */
export default function Login({ next }: LoginProps) {
  const t = useT();
  return (
    <section class="card narrow">
      <h1>{t("login.title")}</h1>
      <Island name="LoginForm" component={LoginForm} props={{ next, lang: t.lang }} />
    </section>
  );
}

/** Page routes, mounted at `/login`. */
export const loginPage = new Hono<AppEnv>().get("/", async (c) => {
  const props = handler(c);
  if (props.signedIn) return c.redirect(props.next, 303);
  const ctx = await pageContext(c);
  return page(c, <Login {...props} />, { title: ctx.t("login.title"), ctx });
});
