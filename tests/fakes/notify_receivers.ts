/**
 * Local stand-ins for the notification receivers, speaking their real wire
 * format for the calls we make: Discord's execute-webhook
 * (`POST /api/webhooks/{id}/{token}` → 204), Gotify's `POST /message` with
 * `X-Gotify-Key` (→ 200 with the stored message; 401 for a wrong token),
 * ntfy's JSON publish (`POST /` → 200 with the message), and a generic
 * webhook (→ 200). Each records what arrived. `failFirst` makes the first N
 * requests answer 500 (a receiver that recovers); `status` answers every
 * request with it (a dead one).
 */

/** One request as it arrived. */
export interface Received {
  method: string;
  path: string;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  json: any;
  text: string;
}

/** A running receiver. */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Requests answered (also the failed ones). */
  attempts(): number;
  close(): Promise<void>;
}

/** Options of {@linkcode startReceiver}. */
export interface ReceiverOptions {
  kind: "discord" | "gotify" | "ntfy" | "webhook";
  /** Gotify: the application token accepted. */
  token?: string;
  failFirst?: number;
  status?: number;
}

/** Starts a receiver on 127.0.0.1 at a free port. */
export function startReceiver(o: ReceiverOptions): Receiver {
  const received: Received[] = [];
  let attempts = 0;
  let id = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    attempts++;
    const text = await req.text();
    if (o.status) return new Response("down", { status: o.status });
    if (o.failFirst && attempts <= o.failFirst) return new Response("busy", { status: 500 });
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch { /* not JSON */ }
    const path = new URL(req.url).pathname;
    const record = () =>
      received.push({ method: req.method, path, headers: req.headers, json, text });
    switch (o.kind) {
      case "discord":
        if (!/^\/api\/webhooks\/\d+\/[\w-]+$/.test(path)) {
          return Response.json({ message: "Unknown Webhook", code: 10015 }, { status: 404 });
        }
        record();
        return new Response(null, { status: 204 });
      case "gotify": {
        if (path !== "/message") return Response.json({ error: "Not Found" }, { status: 404 });
        if (req.headers.get("x-gotify-key") !== o.token) {
          return Response.json({
            error: "Unauthorized",
            errorCode: 401,
            errorDescription:
              "you need to provide a valid access token or user credentials to access this api",
          }, { status: 401 });
        }
        record();
        const m = json as Record<string, unknown>;
        return Response.json({ id: ++id, appid: 1, date: new Date().toISOString(), ...m });
      }
      case "ntfy": {
        record();
        const m = json as Record<string, unknown>;
        return Response.json({
          id: `m${++id}`,
          time: Math.floor(Date.now() / 1000),
          event: "message",
          topic: m.topic,
          message: m.message,
        });
      }
      case "webhook":
        record();
        return Response.json({ ok: true });
    }
  });
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    attempts: () => attempts,
    close: () => server.shutdown(),
  };
}
