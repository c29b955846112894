/**
 * Skeletons: grey shapes where content will be while an island loads it,
 * hidden from screen readers, which hear the one visually hidden "Loading…"
 * status instead.
 */
import { type Lang, t } from "./i18n/translate.ts";

/** `count` poster-shaped skeletons as grid items (the list announces its loading itself). */
export function PosterSkeletons({ count = 6 }: { count?: number }) {
  return (
    <>
      {Array.from(
        { length: count },
        (_, i) => (
          <li key={`skeleton-${i}`} aria-hidden="true" class="skeleton-item">
            <span class="skeleton skeleton-poster" style={{ display: "block" }} />
          </li>
        ),
      )}
    </>
  );
}

/** A block skeleton (a video, a form) with a loading status for screen readers. */
export function BlockSkeleton({ lang, kind }: { lang: Lang; kind: "video" | "form" }) {
  return (
    <div class="skeleton-block">
      <div class={`skeleton skeleton-${kind}`} aria-hidden="true" />
      <p class="visually-hidden" role="status">{t(lang, "common.loading")}</p>
    </div>
  );
}
