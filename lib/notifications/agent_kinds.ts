/**
 * The agent kinds: for each, the schema of its settings (shown by the API)
 * and of its secrets (sealed at rest, never shown), and how it sends a
 * message. HTTP agents go through the SSRF-safe `safeFetch` with the
 * agent's policy (an administrator's: `admin`; a user's: `user`); e-mail
 * connects to the SMTP address checked the same way.
 */
import { z } from "zod";
import type { AgentKind } from "../model/notification.ts";
import { type OutboundPolicy, safeFetch } from "../net/outbound.ts";
import type { Message } from "./message.ts";
import { sendEmail } from "./_email.ts";
import { discordBody, gotifyBody, ntfyBody, webhookBody } from "./_payloads.ts";

/** A delivery that failed; `message` is safe to show to the agent's owner. */
export class DeliveryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DeliveryError";
  }
}

const HttpUrl = z.url({ protocol: /^https?$/ }).max(2000);
const Token = z.string().min(1).max(500);

/** Settings and secrets of each kind. */
export const AGENT_SCHEMAS = {
  webhook: {
    settings: z.object({
      url: HttpUrl.describe("Where the JSON is POSTed"),
    }),
    secrets: z.object({
      token: Token.optional().describe(
        "Sent as `Authorization: Bearer`, and the key of the `X-Revenge-Signature` HMAC",
      ),
    }),
  },
  discord: {
    settings: z.object({
      username: z.string().max(80).optional().describe("The name the messages are posted as"),
      avatarUrl: HttpUrl.optional(),
    }),
    secrets: z.object({
      webhookUrl: HttpUrl.describe("The channel's webhook URL (it carries Discord's token)"),
    }),
  },
  gotify: {
    settings: z.object({ url: HttpUrl.describe("The Gotify server") }),
    secrets: z.object({ token: Token.describe("An application token") }),
  },
  ntfy: {
    settings: z.object({
      url: HttpUrl.default("https://ntfy.sh").describe("The ntfy server"),
      topic: z.string().regex(/^[\w-]{1,64}$/, "letters, digits, _ and - only"),
      priority: z.number().int().min(1).max(5).optional().describe(
        "1 (min) to 5 (urgent); unset: by event",
      ),
      tags: z.array(z.string().regex(/^[\w+-]{1,40}$/)).max(10).optional(),
    }),
    secrets: z.object({ token: Token.optional().describe("An access token") }),
  },
  email: {
    settings: z.object({
      host: z.string().min(1).max(253).regex(/^[A-Za-z0-9.:\[\]-]+$/, "a host name or address"),
      port: z.number().int().min(1).max(65535).default(587),
      security: z.enum(["starttls", "tls", "none"]).default("starttls").describe(
        "STARTTLS (required, port 587), implicit TLS (port 465), or none",
      ),
      username: z.string().max(320).optional(),
      from: z.email().max(320),
      to: z.array(z.email().max(320)).max(50).default([]).describe(
        "Recipients of the agent's own subscriptions; users' choices go to their own address",
      ),
      tlsServerName: z.string().max(253).optional().describe(
        "The name the certificate must carry, when it is not the host",
      ),
      tlsCa: z.string().max(20_000).regex(/-----BEGIN CERTIFICATE-----/).optional().describe(
        "A PEM certificate to trust besides the system's (a private CA, a self-signed server)",
      ),
    }),
    secrets: z.object({ password: z.string().min(1).max(500).optional() }),
  },
} as const satisfies Record<AgentKind, { settings: z.ZodType; secrets: z.ZodType }>;

/** What sending needs. */
export interface SendInput {
  kind: AgentKind;
  settings: Record<string, unknown>;
  secrets: Record<string, string | undefined>;
  message: Message;
  policy: OutboundPolicy;
  timeoutMs: number;
  /** E-mail only: send to these instead of the agent's `to` (a user's own address). */
  to?: string[];
}

async function post(
  url: string,
  body: unknown,
  input: SendInput,
  headers: Record<string, string> = {},
): Promise<void> {
  const text = JSON.stringify(body);
  let res: Response;
  try {
    res = await safeFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Revenge", ...headers },
      body: text,
    }, { policy: input.policy, timeoutMs: input.timeoutMs, maxBytes: 64 * 1024 });
  } catch (cause) {
    throw new DeliveryError((cause as Error).message, { cause });
  }
  // A redirect is not followed (it could lead anywhere): it is a failure.
  if (res.status < 200 || res.status > 299) {
    throw new DeliveryError(`The receiver answered HTTP ${res.status}.`);
  }
}

async function hmac(key: string, text: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(text)));
  return [...sig].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Sends `input.message` through an agent of `input.kind`; throws {@linkcode DeliveryError}. */
export async function sendThroughAgent(input: SendInput): Promise<void> {
  const s = input.settings as Record<string, never>;
  const { message, secrets } = input;
  switch (input.kind) {
    case "webhook": {
      const body = webhookBody(message);
      const headers: Record<string, string> = {};
      if (secrets.token) {
        headers.authorization = `Bearer ${secrets.token}`;
        headers["x-revenge-signature"] = `sha256=${await hmac(
          secrets.token,
          JSON.stringify(body),
        )}`;
      }
      return await post(s.url, body, input, headers);
    }
    case "discord":
      return await post(secrets.webhookUrl!, discordBody(message, s), input);
    case "gotify": {
      const url = new URL("message", String(s.url).replace(/\/?$/, "/")).href;
      return await post(url, gotifyBody(message), input, { "x-gotify-key": secrets.token! });
    }
    case "ntfy": {
      const headers: Record<string, string> = {};
      if (secrets.token) headers.authorization = `Bearer ${secrets.token}`;
      return await post(String(s.url), ntfyBody(message, s), input, headers);
    }
    case "email":
      return await sendEmail(input).catch((cause) => {
        throw cause instanceof DeliveryError
          ? cause
          : new DeliveryError((cause as Error).message, { cause });
      });
  }
}
