/**
 * `/admin/libraries` (`libraries:manage`): create, edit name and folders,
 * scan now, delete, and each library's problems (`islands/AdminLibraries.tsx`).
 */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import AdminLibraries from "../../islands/AdminLibraries.tsx";
import { libraryView } from "../api/libraries.ts";
import { adminContext, adminPage } from "./_admin.tsx";

/** Page routes, mounted at `/admin/libraries`. */
export const adminLibrariesPage = new Hono<AppEnv>().get("/", async (c) => {
  const ctx = await adminContext(c, "libraries:manage");
  const libraries = (await c.var.services.library.list("all")).map((l) => libraryView(l, true));
  return adminPage(
    c,
    {
      current: "/admin/libraries",
      title: "admin.libraries.title",
      intro: "admin.libraries.intro",
      ctx,
    },
    <Island
      name="AdminLibraries"
      component={AdminLibraries}
      props={{ lang: ctx.lang, libraries }}
    />,
  );
});
