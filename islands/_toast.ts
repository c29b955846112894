/**
 * How an island tells the result of an action: `toast("Saved.")` or
 * `toast(reason, "error")` puts a message in the page's live region
 * (`lib/ui/Toast.tsx`, rendered by the layout), which screen readers
 * announce; it goes after a few seconds. The text is set as text.
 *
 * An action that reloads the page (a film matched, the language changed)
 * calls `reloadWithToast()` instead: the message waits in the tab's
 * `sessionStorage` and is shown once the page is back, when this module loads
 * again, so it is not lost with the page it was shown on.
 */
import { TOAST_MS, TOAST_REGION_ID, type ToastKind } from "../lib/ui/Toast.tsx";

export type { ToastKind };

/** The `sessionStorage` key of the toasts that wait for the next page. */
export const PENDING_TOASTS = "revenge.toasts";

interface Pending {
  message: string;
  kind: ToastKind;
}

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

function takePending(): Pending[] {
  try {
    const raw = sessionStorage.getItem(PENDING_TOASTS);
    sessionStorage.removeItem(PENDING_TOASTS);
    const list: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(list)
      ? list.filter((p): p is Pending =>
        typeof p?.message === "string" && (p.kind === "success" || p.kind === "error")
      )
      : [];
  } catch {
    return []; // storage off (private mode, quota) or a foreign value: nothing to show
  }
}

/** Reloads the page and shows `message` as a toast on the page that comes back. */
export function reloadWithToast(message: string, kind: ToastKind = "success"): void {
  try {
    const list = [...takePending(), { message, kind }];
    sessionStorage.setItem(PENDING_TOASTS, JSON.stringify(list));
  } catch {
    // No storage: the reload still happens, the message is lost as before.
  }
  location.reload();
}

// In the browser (not while the server renders islands): show what an earlier page left.
if (typeof document !== "undefined") {
  for (const p of takePending()) toast(p.message, p.kind);
}
