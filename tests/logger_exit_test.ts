/**
 * The buffered logger loses no line however the process ends: `Deno.exit`,
 * an uncaught error, an unhandled rejection, or a quiet end; also when the
 * reader of stderr lags behind, so that writes are still in flight at exit.
 */
import { assertEquals } from "./assert.ts";

const FIXTURE = new URL("./fixtures/log_lines_process.ts", import.meta.url).pathname;
const COUNT = 6000; // ~600 KB: far more than a pipe holds

async function run(how: string, readDelayMs: number): Promise<{ code: number; lines: number[] }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", FIXTURE, how, String(COUNT)],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // A reader that starts late: the pipe fills and the child's writes wait.
  await new Promise((r) => setTimeout(r, readDelayMs));
  const text = await new Response(child.stderr).text();
  const { code } = await child.status;
  const lines = text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l).i);
  return { code, lines };
}

const all = Array.from({ length: COUNT }, (_, i) => i);

for (const how of ["exit", "throw", "reject", "end"]) {
  Deno.test(`createLogger writes every line when the process ends by ${how}`, async () => {
    for (const delay of [0, 300]) {
      const r = await run(how, delay);
      assertEquals(r.code, how === "throw" || how === "reject" ? 1 : 0);
      assertEquals(r.lines.length, COUNT, `reader delayed ${delay} ms`);
      assertEquals(r.lines, all, `in order, reader delayed ${delay} ms`);
    }
  });
}
