/** The home page. Later issues replace it with the library view. */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/types.ts";
import { renderPage } from "../lib/http/render.tsx";
import { Island } from "../lib/http/island.tsx";
import ServerStatus from "../islands/ServerStatus.tsx";
import { VERSION } from "../lib/version.ts";

/** Loads what the page shows. */
export async function handler(c: { var: AppEnv["Variables"] }) {
  const started = c.var.services.readiness.started;
  const setupRequired = started ? (await c.var.services.system.info()).setupRequired : true;
  return { version: VERSION, setupRequired };
}

/** Props of the page, typed from the handler. */
export type HomeProps = Awaited<ReturnType<typeof handler>>;

/** The page. */
export default function Home(props: HomeProps) {
  return (
    <>
      <h1>Your movies, your server.</h1>
      <Island name="ServerStatus" component={ServerStatus} props={props} />
    </>
  );
}

/** Page routes, mounted at `/`. */
export const home = new Hono<AppEnv>().get("/", async (c) => {
  return renderPage(<Home {...await handler(c)} />, { title: "Revenge", user: c.var.principal });
});
