/**
 * Per-test log files. What servers, subprocesses and databases under test
 * print is expected noise while a test passes and the first thing one needs
 * when it fails: it goes to a file of the running test (under
 * `TEST_LOG_DIR`, which `deno task test` points into the run's temporary
 * folder), and {@linkcode withTestLog} prints that file only if the test
 * fails. A passing test's file is removed.
 *
 * Lines that arrive between tests (a server's last words after its test)
 * go to the file of the test that ran last; lines before the first test
 * (module set-up) are printed with the first failure.
 */

const MAX_PRINTED_LINES = 400;

let dir: string | undefined;
let preamble: string | undefined;
let current: string | undefined;
let seq = 0;

function logDir(): string {
  if (!dir) {
    const given = Deno.env.get("TEST_LOG_DIR");
    const base = given ?? Deno.makeTempDirSync({ prefix: "revenge-logs-" });
    // Several test files run in one process; a folder per file keeps names apart.
    dir = `${base}/${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
    Deno.mkdirSync(dir, { recursive: true });
    // Only the logs of failed tests are kept: leave no empty folders behind.
    const folder = dir;
    globalThis.addEventListener("unload", () => {
      for (const d of given ? [folder] : [folder, base]) {
        try {
          Deno.removeSync(d);
        } catch { /* not empty: a failed test's log is in it */ }
      }
    });
  }
  return dir;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 80);
}

/** Appends a line to the running (or last) test's log. */
export function writeTestLog(line: string): void {
  const path = current ?? (preamble ??= `${logDir()}/before-the-first-test.log`);
  Deno.writeTextFileSync(path, line.endsWith("\n") ? line : line + "\n", { append: true });
}

/**
 * Copies the lines of `stream` (a child's stdout or stderr) into the test
 * log with `prefix`, and hands each to `onLine`. Resolves when the stream ends.
 */
export async function pipeToTestLog(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  prefix: string,
  onLine?: (line: string) => void,
): Promise<void> {
  let buf = "";
  const emit = (line: string) => {
    writeTestLog(`${prefix} ${line}`);
    onLine?.(line);
  };
  try {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        emit(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    }
  } catch { /* the child went away mid-read */ }
  if (buf) emit(buf);
}

function readLog(path: string | undefined): string[] {
  if (!path) return [];
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return [];
  }
  return text ? text.replace(/\n$/, "").split("\n") : [];
}

function printLog(title: string, path: string): void {
  const lines = readLog(path);
  if (!lines.length) return;
  const shown = lines.slice(-MAX_PRINTED_LINES);
  const skipped = lines.length - shown.length;
  // deno-lint-ignore no-console -- the point is to show the log of a failed test
  console.error(
    [
      `──── ${title} (${path}) ────`,
      ...(skipped ? [`… ${skipped} earlier lines in the file`] : []),
      ...shown,
      `──── end of ${title} ────`,
    ].join("\n"),
  );
}

/**
 * Runs `fn` with its own log file. If `fn` throws, or `failed()` says a step
 * failed, the log is printed (to the test's output) and the error rethrown.
 */
export async function withTestLog(
  name: string,
  fn: () => Promise<void> | void,
  failed: () => boolean = () => false,
): Promise<void> {
  const path = `${logDir()}/${String(++seq).padStart(3, "0")}-${slug(name)}.log`;
  current = path;
  let ok = false;
  try {
    await fn();
    ok = !failed();
  } finally {
    if (ok) {
      await Deno.remove(path).catch(() => {});
    } else {
      if (preamble) {
        printLog("log before the first test", preamble);
        preamble = undefined;
      }
      printLog(`log of "${name}"`, path);
    }
  }
}
