/**
 * The top bar's user menu: the signed-in user's name, opening (a native
 * `<details>`, so it works by keyboard and without JavaScript) onto the
 * pages they may use, the security settings and a sign-out form. Signed
 * out: a "Sign in" link.
 */
import { type Lang, t } from "./i18n/translate.ts";

/** Props of {@linkcode UserMenu}. */
export interface UserMenuProps {
  user?: { username: string; displayName?: string | null; canReview?: boolean; canAdmin?: boolean };
  lang?: Lang;
}

/** The user menu. */
export function UserMenu({ user, lang = "en" }: UserMenuProps) {
  if (!user) {
    return (
      <nav class="usermenu" aria-label={t(lang, "nav.account")}>
        <a href="/login">{t(lang, "nav.signIn")}</a>
      </nav>
    );
  }
  return (
    <nav class="usermenu" aria-label={t(lang, "nav.account")}>
      <details>
        <summary>
          <span class="visually-hidden">{t(lang, "nav.accountFor")}</span>{" "}
          {user.displayName || user.username}
        </summary>
        <ul>
          {user.canAdmin && (
            <li>
              <a href="/admin">{t(lang, "nav.admin")}</a>
            </li>
          )}
          {user.canReview && (
            <li>
              <a href="/review">{t(lang, "nav.needsReview")}</a>
            </li>
          )}
          <li>
            <a href="/settings/profile">{t(lang, "nav.settings")}</a>
          </li>
          <li>
            <a href="/settings/security">{t(lang, "nav.security")}</a>
          </li>
          <li>
            <form method="post" action="/logout">
              <button type="submit">{t(lang, "nav.signOut")}</button>
            </form>
          </li>
        </ul>
      </details>
    </nav>
  );
}
