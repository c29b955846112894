/**
 * How islands talk to the JSON API: same-origin `fetch` with the session
 * cookie (the browser adds Origin and Sec-Fetch-Site, which the CSRF check
 * wants), answers as `{ok, status, body}`, and the field errors of a 400
 * problem by field name, so a form can show each next to its input.
 */

/** An API answer. */
export interface ApiReply<T = Record<string, unknown>> {
  ok: boolean;
  status: number;
  body: T & { detail?: string; errors?: { path: string; message: string }[] };
}

/** Calls the API. */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiReply<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  try {
    const r = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { ok: r.ok, status: r.status, body: text ? JSON.parse(text) : {} };
  } catch {
    return { ok: false, status: 0, body: { detail: "The server could not be reached." } as never };
  }
}

/** The message for field `name` (`body.<name>`) of a 400, if any. */
export function fieldError(reply: ApiReply<unknown>, name: string): string | undefined {
  return reply.body.errors?.find((e) =>
    e.path === `body.${name}` || e.path.startsWith(
      `body.${name}.`,
    )
  )?.message;
}

/** A refusal that a fresh confirmation (the password) would turn into a success. */
export function needsConfirmation(reply: ApiReply<unknown>): boolean {
  return reply.status === 403 && /fresh confirmation/i.test(reply.body.detail ?? "");
}
