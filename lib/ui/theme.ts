/** The cookie that keeps a browser's theme choice (`light`; absent or else: dark). */
export const THEME_COOKIE = "revenge_theme";
