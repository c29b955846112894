/**
 * Switches between the dark (default) and light theme: sets `data-theme`
 * on the document and remembers the choice in a cookie the server reads, so
 * the next page is rendered in it from its first byte (no flash).
 */
import { useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import type { Theme } from "../lib/ui/Layout.tsx";
import { THEME_COOKIE } from "../lib/ui/theme.ts";

/** Props of {@linkcode ThemeSwitch}. */
export interface ThemeSwitchProps {
  lang: Lang;
  theme: Theme;
}

/** The theme switch: a toggle button. */
export default function ThemeSwitch({ lang, theme: initial }: ThemeSwitchProps) {
  const [theme, setTheme] = useState(initial);
  function toggle() {
    const next: Theme = theme === "dark" ? "light" : "dark";
    setTheme(next);
    document.documentElement.dataset.theme = next;
    document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
  }
  return (
    <button type="button" class="theme-switch" aria-pressed={theme === "light"} onClick={toggle}>
      {t(lang, "nav.theme")}
    </button>
  );
}
