/**
 * `/setup`: the first-run page. Before setup every page request lands here
 * (the setup gate); once an administrator exists it redirects to `/login`.
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { Island } from "../lib/http/island.tsx";
import SetupForm from "../islands/SetupForm.tsx";
import { useT } from "../lib/ui/i18n/use_t.ts";
import { page, pageContext } from "./_page.tsx";

/** Loads what the page shows: nothing but whether setup is still pending. */
export async function handler(c: { var: AppEnv["Variables"] }) {
  return { required: await c.var.services.auth.setup.isRequired() };
}

/** The page. */
export default function Setup() {
  const t = useT();
  return (
    <section class="card narrow">
      <h1>{t("setup.title")}</h1>
      <p>{t("setup.intro")}</p>
      <Island name="SetupForm" component={SetupForm} props={{ next: "/welcome", lang: t.lang }} />
    </section>
  );
}

/** Page routes, mounted at `/setup`. */
export const setupPage = new Hono<AppEnv>().get("/", async (c) => {
  const { required } = await handler(c);
  if (!required) return c.redirect("/login", 303);
  const ctx = await pageContext(c);
  return page(c, <Setup />, { title: ctx.t("setup.title"), ctx });
});
