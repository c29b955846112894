/**
 * Where log lines go: a buffer that writes them in batches, asynchronously,
 * off the request path. Writing each line with a synchronous `write(2)` cost
 * a system call per request, and stalled the whole event loop whenever the
 * reader of stderr (a container runtime, journald, a terminal) fell behind.
 *
 * - Lines are appended to a buffer; a batch is written `flushMs` later (or
 *   at once past `batchBytes`), one write at a time, in order.
 * - Nothing is lost at the end: {@linkcode LogSink.flush} waits for every
 *   line so far (the shutdown path awaits it), and the process-wide stderr
 *   sink writes what is left synchronously on `unload` (`Deno.exit`, the end
 *   of the event loop) and on an uncaught `error` or `unhandledrejection`,
 *   just before a crash ends the process. A synchronous write to stderr waits
 *   for a write still in flight, so the order holds there too.
 * - Memory is bounded: past `maxBufferBytes` waiting (the reader is stuck),
 *   writing becomes synchronous, so a slow reader slows the server down
 *   rather than growing the heap or dropping lines.
 */

/** Where a sink writes: `Deno.stderr` by default. */
export interface LogWriter {
  write(p: Uint8Array): Promise<number>;
  writeSync(p: Uint8Array): number;
}

/** Options of {@linkcode createLogSink}. */
export interface LogSinkOptions {
  /** Default `Deno.stderr`. */
  writer?: LogWriter;
  /** How long a line may wait for more to join its batch. Default 10 ms. */
  flushMs?: number;
  /** A batch this large is written at once. Default 64 KiB. */
  batchBytes?: number;
  /** Past this much waiting, writes become synchronous. Default 8 MiB. */
  maxBufferBytes?: number;
}

/** A buffered, batching line writer. */
export interface LogSink {
  /** Queues one line (without its newline). */
  write(line: string): void;
  /** Resolves once every line queued so far has been written. */
  flush(): Promise<void>;
  /** Writes every queued line now, blocking; for exit paths. */
  flushSync(): void;
}

const encoder = new TextEncoder();

async function writeAll(w: LogWriter, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await w.write(bytes.subarray(off));
}

function writeAllSync(w: LogWriter, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += w.writeSync(bytes.subarray(off));
}

/** Creates a sink. */
export function createLogSink(options: LogSinkOptions = {}): LogSink {
  const writer = options.writer ?? Deno.stderr;
  const flushMs = options.flushMs ?? 10;
  const batchBytes = options.batchBytes ?? 64 * 1024;
  const maxBufferBytes = options.maxBufferBytes ?? 8 * 1024 * 1024;
  let lines: string[] = [];
  let queued = 0; // characters in `lines`, newlines included: close enough to bytes
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> | undefined;

  function take(): Uint8Array {
    const text = lines.join("\n") + "\n";
    lines = [];
    queued = 0;
    return encoder.encode(text);
  }

  function drain(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (writing) return writing;
    // Cleared in .finally, which always runs after this assignment (a write
    // that throws at once would otherwise finish first and leave it set).
    const p: Promise<void> = (async () => {
      try {
        while (lines.length) await writeAll(writer, take());
      } catch {
        // Nowhere left to report a failing stderr; drop the batch rather than loop.
      }
    })().finally(() => {
      if (writing === p) writing = undefined;
    });
    writing = p;
    return p;
  }

  function schedule(): void {
    if (writing || timer !== undefined) return; // the running write takes new lines too
    const t = setTimeout(drain, flushMs);
    // The logger never keeps a process alive; `unload` writes what is left.
    Deno.unrefTimer(t);
    timer = t;
  }

  function flushSync(): void {
    clearTimeout(timer);
    timer = undefined;
    if (!lines.length) return;
    try {
      writeAllSync(writer, take());
    } catch { /* as in drain */ }
  }

  return {
    write(line) {
      lines.push(line);
      queued += line.length + 1;
      if (queued >= maxBufferBytes) flushSync();
      else if (queued >= batchBytes && !writing) void drain();
      else schedule();
    },
    async flush() {
      while (lines.length || writing) await drain();
    },
    flushSync,
  };
}

let stderrSink: LogSink | undefined;

/**
 * The process-wide sink on stderr, made on first use, with the exit hooks
 * that write what is left when the process ends or crashes.
 */
export function stderrLogSink(): LogSink {
  if (stderrSink) return stderrSink;
  const sink = createLogSink();
  const last = () => sink.flushSync();
  globalThis.addEventListener("unload", last);
  // These run before Deno reports the uncaught error and exits; they do not
  // prevent the crash.
  globalThis.addEventListener("error", last);
  globalThis.addEventListener("unhandledrejection", last);
  stderrSink = sink;
  return sink;
}
