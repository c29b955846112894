/**
 * E-mail through SMTP with nodemailer: STARTTLS (required, not
 * opportunistic), implicit TLS, or plain. The server's name is resolved and
 * checked like any outbound address, and nodemailer connects to the checked
 * address while TLS verifies the certificate against the name.
 */
import nodemailer from "nodemailer";
import { checkOutboundHost } from "../net/outbound.ts";
import type { SendInput } from "./agent_kinds.ts";

interface EmailSettings {
  host: string;
  port: number;
  security: "starttls" | "tls" | "none";
  username?: string;
  from: string;
  to: string[];
  tlsServerName?: string;
  tlsCa?: string;
}

/** Sends the message as a plain-text mail; throws on any SMTP failure. */
export async function sendEmail(input: SendInput): Promise<void> {
  const s = input.settings as unknown as EmailSettings;
  const to = input.to ?? s.to;
  if (to.length === 0) throw new Error("The e-mail agent has no recipient.");
  const host = s.host.replace(/^\[|\]$/g, "");
  const { address } = await checkOutboundHost(host, { policy: input.policy });
  const transport = nodemailer.createTransport({
    host: address,
    port: s.port,
    secure: s.security === "tls",
    requireTLS: s.security === "starttls",
    ignoreTLS: s.security === "none",
    auth: s.username ? { user: s.username, pass: input.secrets.password ?? "" } : undefined,
    tls: { servername: s.tlsServerName ?? host, ...(s.tlsCa ? { ca: [s.tlsCa] } : {}) },
    connectionTimeout: input.timeoutMs,
    greetingTimeout: input.timeoutMs,
    socketTimeout: input.timeoutMs,
  });
  try {
    const m = input.message;
    await transport.sendMail({
      from: s.from,
      to,
      subject: m.title,
      text: [m.body, m.url ?? ""].filter(Boolean).join("\n\n") || m.title,
    });
  } finally {
    transport.close();
  }
}
