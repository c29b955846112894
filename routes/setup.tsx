/**
 * `/setup`: the first-run page. Before setup every page request lands here
 * (the setup gate); once an administrator exists it redirects to `/login`.
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { renderPage } from "../lib/http/render.tsx";
import { Island } from "../lib/http/island.tsx";
import SetupForm from "../islands/SetupForm.tsx";

/** Loads what the page shows: nothing but whether setup is still pending. */
export async function handler(c: { var: AppEnv["Variables"] }) {
  return { required: await c.var.services.auth.setup.isRequired() };
}

/** The page. */
export default function Setup() {
  return (
    <section class="card narrow">
      <h1>Welcome to Revenge</h1>
      <p>Create the administrator account. You can add other people later.</p>
      <Island name="SetupForm" component={SetupForm} props={{ next: "/" }} />
    </section>
  );
}

/** Page routes, mounted at `/setup`. */
export const setupPage = new Hono<AppEnv>().get("/", async (c) => {
  const { required } = await handler(c);
  if (!required) return c.redirect("/login", 303);
  return renderPage(<Setup />, { title: "Set up" });
});
