/** The small nav of the settings pages: profile, playback, security. */
import { type Lang, t } from "./i18n/translate.ts";

/** The settings pages, by path. */
export const SETTINGS_PAGES = [
  ["/settings/profile", "settings.profile"],
  ["/settings/playback", "settings.playback"],
  ["/settings/security", "settings.security"],
] as const;

/** The nav; `current` is the path of the page shown. */
export function SettingsNav({ lang, current }: { lang: Lang; current: string }) {
  return (
    <nav class="settings-nav" aria-label={t(lang, "settings.title")}>
      <ul>
        {SETTINGS_PAGES.map(([href, key]) => (
          <li key={href}>
            <a href={href} aria-current={href === current ? "page" : undefined}>{t(lang, key)}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
