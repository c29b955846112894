// deno-lint-ignore-file no-console -- the child reports to its parent on stdout
/**
 * The SMTP stand-in in a process of its own. Deno 2.9's node:tls cannot
 * complete a STARTTLS upgrade between a job Web Worker (the client) and a
 * server in the same process (the handshake stalls; across processes it
 * works, as with any real mail server), so the e-mail tests that deliver
 * from job workers run the server here. As a script it prints its port,
 * then one JSON line per accepted mail; {@linkcode startSmtpProcess} reads
 * them back.
 */
import { type FakeSmtpOptions, type Mail, startFakeSmtp } from "./smtp.ts";

/** A running SMTP stand-in process. */
export interface SmtpProcess {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** Spawns this file as a script and waits for its port. */
export async function startSmtpProcess(o: FakeSmtpOptions = {}): Promise<SmtpProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      new URL(import.meta.url).pathname,
      JSON.stringify(o),
    ],
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const mails: Mail[] = [];
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let resolvePort: (p: number) => void;
  const port = new Promise<number>((r) => (resolvePort = r));
  const reading = (async () => {
    for (;;) {
      const { value, done } = await lines.read();
      if (done) return;
      buffer += value;
      let at: number;
      while ((at = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        const msg = JSON.parse(line);
        if (msg.port) resolvePort!(msg.port);
        else mails.push(msg as Mail);
      }
    }
  })();
  return {
    port: await port,
    mails,
    async close() {
      child.kill("SIGTERM");
      await child.status;
      await reading.catch(() => {});
    },
  };
}

if (import.meta.main) {
  const smtp = await startFakeSmtp(JSON.parse(Deno.args[0] ?? "{}"));
  const push = smtp.mails.push.bind(smtp.mails);
  smtp.mails.push = (...m: Mail[]) => {
    for (const x of m) console.log(JSON.stringify(x));
    return push(...m);
  };
  console.log(JSON.stringify({ port: smtp.port }));
  Deno.addSignalListener("SIGTERM", () => smtp.close().then(() => Deno.exit(0)));
}
