/**
 * A small SMTP server (RFC 5321) for the e-mail tests: EHLO, STARTTLS
 * (RFC 3207, with the fixture certificate for `mail.test`), AUTH PLAIN and
 * LOGIN (RFC 4954), MAIL, RCPT, DATA, RSET, NOOP, QUIT. With `implicitTls`
 * it speaks TLS from the first byte (port-465 style). It records every
 * accepted message with its envelope, whether it came over TLS and which
 * user authenticated. `requireAuth` refuses MAIL before a good AUTH.
 */
import net from "node:net";
import tls from "node:tls";

const CERT = Deno.readTextFileSync(new URL("../fixtures/smtp_test_cert.pem", import.meta.url));
const KEY = Deno.readTextFileSync(new URL("../fixtures/smtp_test_key.pem", import.meta.url));

/** The certificate of `mail.test`, for the agent's `tlsCa`. */
export const SMTP_TEST_CERT = CERT;

/** A message as it arrived. */
export interface Mail {
  from: string;
  to: string[];
  data: string;
  tls: boolean;
  user: string | null;
}

/** A running SMTP stand-in. */
export interface FakeSmtp {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** Options of {@linkcode startFakeSmtp}. */
export interface FakeSmtpOptions {
  implicitTls?: boolean;
  /** user → password; when set, MAIL needs a successful AUTH first. */
  users?: Record<string, string>;
}

/** Starts the server on 127.0.0.1 at a free port. */
export async function startFakeSmtp(o: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const mails: Mail[] = [];
  const sockets = new Set<net.Socket>();

  function session(socket: net.Socket, secure: boolean) {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffer = "";
    let mode: "command" | "data" | "auth-login-user" | "auth-login-pass" = "command";
    let from = "";
    let to: string[] = [];
    let data: string[] = [];
    let user: string | null = null;
    let loginUser = "";
    const say = (line: string): void => {
      socket.write(line + "\r\n");
    };
    const check = (u: string, p: string) => o.users?.[u] === p;

    function onLine(line: string): "upgrade" | void {
      if (mode === "data") {
        if (line === ".") {
          mails.push({ from, to, data: data.join("\n"), tls: secure, user });
          mode = "command";
          from = "";
          to = [];
          data = [];
          return say("250 2.0.0 queued");
        }
        data.push(line.startsWith("..") ? line.slice(1) : line);
        return;
      }
      if (mode === "auth-login-user") {
        loginUser = atob(line);
        mode = "auth-login-pass";
        return say("334 UGFzc3dvcmQ6");
      }
      if (mode === "auth-login-pass") {
        mode = "command";
        if (check(loginUser, atob(line))) {
          user = loginUser;
          return say("235 2.7.0 Authentication successful");
        }
        return say("535 5.7.8 Authentication credentials invalid");
      }
      const [verb, ...rest] = line.split(" ");
      const arg = rest.join(" ");
      switch (verb.toUpperCase()) {
        case "EHLO":
        case "HELO": {
          const caps = ["250-mail.test"];
          if (!secure) caps.push("250-STARTTLS");
          if (o.users) caps.push("250-AUTH PLAIN LOGIN");
          caps.push("250 8BITMIME");
          return say(caps.join("\r\n"));
        }
        case "STARTTLS":
          if (secure) return say("503 5.5.1 Already in TLS");
          say("220 2.0.0 Ready to start TLS");
          return "upgrade";
        case "AUTH": {
          const [mech, initial] = arg.split(" ");
          if (mech.toUpperCase() === "PLAIN") {
            const [, u, p] = atob(initial ?? "").split("\0");
            if (check(u, p)) {
              user = u;
              return say("235 2.7.0 Authentication successful");
            }
            return say("535 5.7.8 Authentication credentials invalid");
          }
          if (mech.toUpperCase() === "LOGIN") {
            mode = "auth-login-user";
            return say("334 VXNlcm5hbWU6");
          }
          return say("504 5.5.4 Unrecognized authentication type");
        }
        case "MAIL":
          if (o.users && !user) return say("530 5.7.0 Authentication required");
          from = /<([^>]*)>/.exec(arg)?.[1] ?? "";
          return say("250 2.1.0 OK");
        case "RCPT":
          to.push(/<([^>]*)>/.exec(arg)?.[1] ?? "");
          return say("250 2.1.5 OK");
        case "DATA":
          mode = "data";
          return say("354 End data with <CR><LF>.<CR><LF>");
        case "RSET":
          from = "";
          to = [];
          return say("250 2.0.0 OK");
        case "NOOP":
          return say("250 2.0.0 OK");
        case "QUIT":
          say("221 2.0.0 Bye");
          socket.end();
          return;
        default:
          return say("502 5.5.2 Command not recognized");
      }
    }

    const onData = (chunk: Uint8Array) => {
      buffer += new TextDecoder().decode(chunk);
      let at: number;
      while ((at = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (onLine(line) === "upgrade") {
          socket.removeListener("data", onData);
          const secured = new tls.TLSSocket(socket, { isServer: true, cert: CERT, key: KEY });
          session(secured, true);
          return;
        }
      }
    };
    socket.on("data", onData);
  }

  const server = o.implicitTls
    ? tls.createServer({ cert: CERT, key: KEY }, (s) => {
      s.write("220 mail.test ESMTP\r\n");
      session(s, true);
    })
    : net.createServer((s) => {
      s.write("220 mail.test ESMTP\r\n");
      session(s, false);
    });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    mails,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
