import { assert, assertEquals } from "../../tests/assert.ts";
import { createLogSink, type LogWriter } from "./log_sink.ts";
import { createLogger } from "./logger.ts";

/** A writer that takes at most `chunk` bytes per call, after `delayMs`, and keeps them. */
function recordingWriter(options: { chunk?: number; delayMs?: number } = {}) {
  const parts: Uint8Array[] = [];
  let writes = 0;
  let syncWrites = 0;
  const take = (p: Uint8Array) => {
    const n = Math.min(p.length, options.chunk ?? p.length);
    parts.push(p.slice(0, n));
    return n;
  };
  const writer: LogWriter = {
    async write(p) {
      writes++;
      await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
      return take(p);
    },
    writeSync(p) {
      syncWrites++;
      return take(p);
    },
  };
  return {
    writer,
    text: () => new TextDecoder().decode(new Uint8Array(parts.flatMap((p) => [...p]))),
    writes: () => writes,
    syncWrites: () => syncWrites,
  };
}

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`);

Deno.test("createLogSink writes every line, in order, in a few batched writes", async () => {
  // Partial writes and a slow reader: the sink must loop and keep the order.
  const w = recordingWriter({ chunk: 1000, delayMs: 1 });
  const sink = createLogSink({ writer: w.writer, flushMs: 5 });
  const lines = numbered(5000);
  for (const l of lines.slice(0, 2500)) sink.write(l);
  await new Promise((r) => setTimeout(r, 2));
  for (const l of lines.slice(2500)) sink.write(l);
  await sink.flush();
  assertEquals(w.text(), lines.join("\n") + "\n");
  assertEquals(w.syncWrites(), 0);
  // ~50 KB in chunks of 1000 bytes: about 50 writes, not 5000.
  assert(w.writes() < 100, `${w.writes()} writes`);
});

Deno.test("createLogSink writes nothing on the caller's turn", async () => {
  const w = recordingWriter();
  const sink = createLogSink({ writer: w.writer, flushMs: 5 });
  sink.write("a");
  assertEquals(w.writes(), 0);
  await sink.flush();
  assertEquals(w.text(), "a\n");
});

Deno.test("createLogSink flush waits for the write in flight and what queued behind it", async () => {
  const w = recordingWriter({ delayMs: 20 });
  const sink = createLogSink({ writer: w.writer, flushMs: 0 });
  sink.write("first");
  await new Promise((r) => setTimeout(r, 5)); // "first" is being written now
  sink.write("second");
  await sink.flush();
  assertEquals(w.text(), "first\nsecond\n");
});

Deno.test("createLogSink flushSync writes what is queued at once", async () => {
  const w = recordingWriter();
  const sink = createLogSink({ writer: w.writer, flushMs: 60_000 });
  for (const l of numbered(3)) sink.write(l);
  sink.flushSync();
  assertEquals(w.text(), "line 0\nline 1\nline 2\n");
  await sink.flush(); // nothing left: resolves without writing again
  assertEquals(w.writes(), 0);
});

Deno.test("createLogSink writes synchronously rather than grow past maxBufferBytes", async () => {
  let release!: () => void;
  const stuck = new Promise<void>((r) => release = r);
  const w = recordingWriter();
  const writer: LogWriter = {
    async write(p) {
      await stuck; // a reader that stopped reading
      return w.writer.writeSync(p);
    },
    writeSync: (p) => w.writer.writeSync(p),
  };
  const sink = createLogSink({ writer, flushMs: 0, batchBytes: 100, maxBufferBytes: 1000 });
  sink.write("x".repeat(200)); // starts the stuck write
  await new Promise((r) => setTimeout(r, 5));
  for (let i = 0; i < 20; i++) sink.write("y".repeat(99));
  assert(w.syncWrites() >= 1, "writes became synchronous");
  release();
  await sink.flush();
  const text = w.text();
  assertEquals(text.split("\n").filter(Boolean).length, 21);
});

Deno.test("createLogger with a sink buffers lines and flush writes them", async () => {
  const w = recordingWriter();
  const logger = createLogger({ sink: createLogSink({ writer: w.writer, flushMs: 60_000 }) });
  logger.child({ requestId: "r1" }).info("request", { status: 200, token: "rvs_secret" });
  assertEquals(w.text(), "");
  await logger.flush();
  const line = JSON.parse(w.text());
  assertEquals([line.msg, line.requestId, line.status, line.token], [
    "request",
    "r1",
    200,
    "[redacted]",
  ]);
});

Deno.test("createLogger with write hands over each line at once", () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (l) => lines.push(l), format: "pretty" });
  logger.warn("careful", { password: "hunter2", n: 1 });
  assertEquals(lines.length, 1);
  assert(lines[0].includes("WARN  careful password=[redacted] n=1"), lines[0]);
});

Deno.test("createLogSink keeps writing after a write that fails at once", async () => {
  let fail = true;
  const w = recordingWriter();
  const writer: LogWriter = {
    write(p) {
      if (fail) throw new Error("EBADF");
      return w.writer.write(p);
    },
    writeSync: (p) => w.writer.writeSync(p),
  };
  const sink = createLogSink({ writer, flushMs: 0 });
  sink.write("lost");
  await sink.flush();
  fail = false;
  sink.write("kept");
  await sink.flush();
  assertEquals(w.text(), "kept\n");
});
