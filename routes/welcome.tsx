/**
 * `/welcome`: the first-run wizard, where `/setup` sends the new
 * administrator. Only for those who manage libraries (403 page otherwise);
 * the steps are one island over the JSON API.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { Island } from "../lib/http/island.tsx";
import { ForbiddenError } from "../lib/model/errors.ts";
import { hasPermission } from "../lib/model/permissions.ts";
import { useT } from "../lib/ui/i18n/use_t.ts";
import Welcome from "../islands/Welcome.tsx";
import { page, pageContext } from "./_page.tsx";

/** Loads what the page shows: the reader's language; refuses non-administrators. */
export async function handler(c: Context<AppEnv>) {
  if (!hasPermission(c.var.principal!.permissions, "libraries:manage")) {
    throw new ForbiddenError("Only administrators set up libraries.");
  }
  return { ctx: await pageContext(c) };
}

/** Props of the page. */
export type WelcomeProps = { lang: Awaited<ReturnType<typeof handler>>["ctx"]["lang"] };

/** The page. */
export default function WelcomePage({ lang }: WelcomeProps) {
  const t = useT();
  return (
    <div class="medium stack">
      <h1>{t("welcome.title")}</h1>
      <p>{t("welcome.intro")}</p>
      <Island name="Welcome" component={Welcome} props={{ lang }} />
    </div>
  );
}

/** Page routes, mounted at `/welcome`. */
export const welcomePage = new Hono<AppEnv>().get("/", async (c) => {
  const { ctx } = await handler(c);
  return page(c, <WelcomePage lang={ctx.lang} />, { title: ctx.t("welcome.title"), ctx });
});
