/**
 * The top bar's user menu: the signed-in user's name, opening (a native
 * `<details>`, so it works by keyboard and without JavaScript) onto the
 * security settings and a sign-out form. Signed out: a "Sign in" link.
 */

/** Props of {@linkcode UserMenu}. */
export interface UserMenuProps {
  user?: { username: string };
}

/** The user menu. */
export function UserMenu({ user }: UserMenuProps) {
  if (!user) {
    return (
      <nav class="usermenu" aria-label="Account">
        <a href="/login">Sign in</a>
      </nav>
    );
  }
  return (
    <nav class="usermenu" aria-label="Account">
      <details>
        <summary>
          <span class="visually-hidden">Account menu for</span> {user.username}
        </summary>
        <ul>
          <li>
            <a href="/settings/security">Security settings</a>
          </li>
          <li>
            <form method="post" action="/logout">
              <button type="submit">Sign out</button>
            </form>
          </li>
        </ul>
      </details>
    </nav>
  );
}
