/** The page shown for errors outside the API. */
import { useT } from "./i18n/use_t.ts";

/** Props of {@linkcode ErrorPage}. */
export interface ErrorPageProps {
  status: number;
  /** Shown for statuses without a message of their own (a 400's reason). */
  message: string;
  requestId?: string;
  /** Where "Try again" leads (the page itself); absent: no such link. */
  retry?: string;
}

/** A plain error page in the page's language; never shows internals. */
export function ErrorPage({ status, message, requestId, retry }: ErrorPageProps) {
  const t = useT();
  const text = status === 404
    ? t("error.notFound")
    : status === 403
    ? t("error.forbidden")
    : status >= 500
    ? t("error.generic")
    : message;
  return (
    <section class="card" role="alert">
      <h1>{status}</h1>
      <p>{text}</p>
      {retry && status >= 500 && (
        <p>
          <a href={retry}>{t("error.retry")}</a>
        </p>
      )}
      {requestId && <p class="muted">{t("error.requestId", { id: requestId })}</p>}
    </section>
  );
}
