/** The page shown for errors outside the API. */

/** Props of {@linkcode ErrorPage}. */
export interface ErrorPageProps {
  status: number;
  message: string;
  requestId?: string;
}

/** A plain error page; never shows internals. */
export function ErrorPage({ status, message, requestId }: ErrorPageProps) {
  return (
    <section class="card">
      <h1>{status}</h1>
      <p>{message}</p>
      {requestId && <p class="muted">Request id: {requestId}</p>}
    </section>
  );
}
