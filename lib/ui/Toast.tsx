/**
 * Toasts: short messages about the result of an action (saved, marked
 * watched, failed...). The page layout renders one live region
 * ({@linkcode ToastRegion}, `role="status"`, polite) before any island runs,
 * so screen readers announce what islands put in it later; islands add
 * messages with `toast()` from `islands/_toast.ts`. A message is text, never
 * markup.
 */

/** The id of the live region. */
export const TOAST_REGION_ID = "toasts";
/** How long a toast stays, in milliseconds. */
export const TOAST_MS = 6000;
/** The kinds of toast: a success or a failure (styled apart, announced alike). */
export type ToastKind = "success" | "error";

/** The live region every page has (empty until an island speaks). */
export function ToastRegion() {
  return <div id={TOAST_REGION_ID} class="toasts" role="status" aria-live="polite" />;
}
