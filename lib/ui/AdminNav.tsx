/**
 * The administration pages' own navigation: a link to each page the reader
 * may open (each needs its permission), the current one marked.
 */
import { type Lang, type MessageKey, t } from "./i18n/translate.ts";

/** One administration page: its URL, its name, the permission it needs. */
export interface AdminPageEntry {
  href: string;
  label: MessageKey;
  permission: string;
}

/** Every administration page, in menu order. */
export const ADMIN_PAGES: readonly AdminPageEntry[] = [
  { href: "/admin", label: "admin.nav.dashboard", permission: "settings:read" },
  { href: "/admin/libraries", label: "admin.nav.libraries", permission: "libraries:manage" },
  { href: "/admin/users", label: "admin.nav.users", permission: "users:read" },
  { href: "/admin/roles", label: "admin.nav.roles", permission: "roles:read" },
  { href: "/admin/jobs", label: "admin.nav.jobs", permission: "jobs:read" },
  { href: "/admin/audit", label: "admin.nav.audit", permission: "audit:read" },
  { href: "/admin/settings", label: "admin.nav.settings", permission: "settings:read" },
  { href: "/admin/integrations", label: "admin.nav.integrations", permission: "settings:manage" },
];

/** Props of {@linkcode AdminNav}. */
export interface AdminNavProps {
  lang: Lang;
  current: string;
  /** Whether the reader holds a permission. */
  may: (permission: string) => boolean;
}

/** The navigation between administration pages. */
export function AdminNav({ lang, current, may }: AdminNavProps) {
  return (
    <nav class="admin-nav" aria-label={t(lang, "admin.nav.label")}>
      <ul class="chips">
        {ADMIN_PAGES.filter((p) => may(p.permission)).map((p) => (
          <li key={p.href}>
            <a href={p.href} aria-current={p.href === current ? "page" : undefined}>
              {t(lang, p.label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
