/**
 * `/admin/users` (`users:read`; changes need `users:update`/`users:manage`):
 * the users, found by name and paged with real links, and the island that
 * creates and changes them (`islands/AdminUsers.tsx`).
 */
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/types.ts";
import { Island } from "../../lib/http/island.tsx";
import { Pager } from "../../lib/ui/Pager.tsx";
import AdminUsers from "../../islands/AdminUsers.tsx";
import { pageNumber } from "../_owner_films.tsx";
import { adminContext, adminPage, may } from "./_admin.tsx";

const SIZE = 50;

/** Page routes, mounted at `/admin/users`. */
export const adminUsersPage = new Hono<AppEnv>().get("/", async (c) => {
  const ctx = await adminContext(c, "users:read");
  const n = pageNumber(c.req.query());
  const q = (c.req.query("q") ?? "").slice(0, 100);
  const s = c.var.services;
  const [list, roles, libraries] = await Promise.all([
    s.auth.users.list({ limit: SIZE, offset: (n - 1) * SIZE, search: q || undefined }),
    may(c, "roles:read") ? s.auth.rbac.listRoles() : Promise.resolve([]),
    s.library.list("all"),
  ]);
  const pages = Math.max(1, Math.ceil(list.total / SIZE));
  const href = (k: number) => {
    const p = new URLSearchParams();
    if (q) p.set("q", q);
    if (k > 1) p.set("page", String(k));
    const qs = p.toString();
    return qs ? `/admin/users?${qs}` : "/admin/users";
  };
  return adminPage(
    c,
    {
      current: "/admin/users",
      title: "admin.users.title",
      intro: "admin.users.intro",
      ctx,
    },
    (
      <>
        <form method="get" action="/admin/users" class="inline" role="search">
          <div class="field">
            <label for="users-q">{ctx.t("admin.users.search")}</label>
            <input id="users-q" name="q" type="search" value={q} maxLength={100} />
          </div>
          <button type="submit">{ctx.t("admin.users.searchSubmit")}</button>
        </form>
        <Island
          name="AdminUsers"
          component={AdminUsers}
          props={{
            lang: ctx.lang,
            users: list.items.map((u) => ({
              id: u.id,
              username: u.username,
              displayName: u.displayName,
              email: u.email,
              roles: u.roles,
              disabled: u.disabled,
              lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
            })),
            roles: roles.map((r) => r.name),
            libraries: libraries.map((l) => ({ id: l.id, name: l.name })),
            canManage: may(c, "users:update"),
          }}
        />
        <Pager lang={ctx.lang} page={n} pages={pages} href={href} />
      </>
    ),
  );
});
