/**
 * Shared set-up of the notification tests: the app with a local DNS
 * stand-in for outbound names, and waits on the notification jobs.
 */
import type { TestApp } from "./harness.ts";
import { startTestApp } from "./harness.ts";
import { type FakeDns, startFakeDns } from "./fakes/dns.ts";
import { waitFor } from "./wait_for.ts";

/** Names the stand-in answers: the SMTP server's, and the SSRF cases. */
export const TEST_NAMES: Record<string, string[]> = {
  "mail.test": ["127.0.0.1"],
  "loop.test": ["127.0.0.1"],
  "metadata.test": ["169.254.169.254"],
  "mixed.test": ["93.184.216.34", "127.0.0.1"],
};

/** Starts the app with the DNS stand-in. */
export async function startNotifyApp(
  env: Record<string, string> = {},
): Promise<{ app: TestApp; dns: FakeDns; close(): Promise<void> }> {
  const dns = await startFakeDns(TEST_NAMES);
  const app = await startTestApp({
    env: {
      REVENGE_OUTBOUND_DNS_SERVER: `127.0.0.1:${dns.port}`,
      ...env,
    },
  });
  return {
    app,
    dns,
    async close() {
      await app.close();
      await dns.close();
    },
  };
}

/** Waits until no notification job is waiting, running or due a retry. */
export async function notificationsSettled(app: TestApp, timeoutMs = 30_000): Promise<void> {
  let last = "";
  await waitFor(async () => {
    const rows = await app.db.sql<{ kind: string; state: string }[]>`
      select kind, state from jobs where queue = 'notifications'
        and state in ('available', 'running', 'retryable')`;
    last = JSON.stringify(rows);
    return rows.length === 0;
  }, { message: () => `the notification jobs to settle (left: ${last})`, timeoutMs });
}
