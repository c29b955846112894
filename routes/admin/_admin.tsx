/**
 * What every administration page shares: the permission check (a 403 page
 * for a reader without it; a guest was sent to log in before this runs) and
 * the frame, the admin navigation above the page's content.
 */
import type { Context } from "hono";
import type { ComponentChildren } from "preact";
import type { AppEnv } from "../../lib/http/types.ts";
import { ForbiddenError } from "../../lib/model/errors.ts";
import { hasPermission } from "../../lib/model/permissions.ts";
import { AdminNav } from "../../lib/ui/AdminNav.tsx";
import type { MessageKey } from "../../lib/ui/i18n/translate.ts";
import { page, type PageContext, pageContext } from "../_page.tsx";

/** True when the reader of `c` holds `permission`. */
export function may(c: Context<AppEnv>, permission: string): boolean {
  return hasPermission(c.var.principal!.permissions, permission);
}

/** Refuses (403 page) a reader without `permission`. */
export function requirePermission(c: Context<AppEnv>, permission: string): void {
  if (!may(c, permission)) {
    throw new ForbiddenError(`This administration page needs the permission ${permission}.`);
  }
}

/** Renders `content` as the administration page at `current`, titled `title`. */
export function adminPage(
  c: Context<AppEnv>,
  o: { current: string; title: MessageKey; ctx: PageContext; intro?: MessageKey },
  content: ComponentChildren,
) {
  const { ctx } = o;
  return page(
    c,
    <div class="wide stack admin">
      <AdminNav lang={ctx.lang} current={o.current} may={(p) => may(c, p)} />
      <h1>{ctx.t(o.title)}</h1>
      {o.intro && <p class="muted">{ctx.t(o.intro)}</p>}
      {content}
    </div>,
    { title: ctx.t(o.title), ctx },
  );
}

/** The page context after the permission check. */
export async function adminContext(c: Context<AppEnv>, permission: string): Promise<PageContext> {
  requirePermission(c, permission);
  return await pageContext(c);
}
