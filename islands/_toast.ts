/**
 * How an island tells the result of an action: `toast("Saved.")` or
 * `toast(reason, "error")` puts a message in the page's live region
 * (`lib/ui/Toast.tsx`, rendered by the layout), which screen readers
 * announce; it goes after a few seconds. The text is set as text.
 */
import { TOAST_MS, TOAST_REGION_ID, type ToastKind } from "../lib/ui/Toast.tsx";

export type { ToastKind };

/** Shows `message` as a toast. */
export function toast(message: string, kind: ToastKind = "success"): void {
  const region = document.getElementById(TOAST_REGION_ID);
  if (!region) return;
  const item = document.createElement("p");
  item.className = `toast toast-${kind}`;
  item.textContent = message;
  region.append(item);
  setTimeout(() => item.remove(), TOAST_MS);
}
