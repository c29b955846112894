/**
 * The page's language for server-rendered components: `renderPage` provides
 * it, `useT()` reads it. Islands get `lang` as a prop instead (each
 * hydrates on its own, outside this provider).
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type Lang, type MessageKey, t } from "./translate.ts";

/** The language of the page being rendered. */
export const LangContext = createContext<Lang>("en");

/** A translator bound to `lang`. */
export type Translator = ((key: MessageKey, params?: Record<string, string | number>) => string) & {
  lang: Lang;
};

/** A translator for `lang`. */
export function translator(lang: Lang): Translator {
  const f =
    ((key: MessageKey, params?: Record<string, string | number>) =>
      t(lang, key, params)) as Translator;
  f.lang = lang;
  return f;
}

/** The translator of the page being rendered. */
export function useT(): Translator {
  return translator(useContext(LangContext));
}
