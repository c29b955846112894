/**
 * One structured logger for the whole process: JSON lines in production,
 * readable lines in a terminal. Keys that look like secrets are redacted so a
 * token, cookie or password never reaches a log line by accident.
 *
 * On the main thread lines go to stderr through a buffered sink that writes
 * them in batches, asynchronously (`log_sink.ts`); call `flush()` before
 * exiting. Worker threads write each line at once: a worker can be
 * terminated without an exit event, which would lose a buffer.
 */
import { type LogSink, stderrLogSink } from "./log_sink.ts";

/** Log levels in increasing severity. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
/** One of {@linkcode LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** The logger interface every module receives. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  /** Resolves once every line logged so far has been written. */
  flush(): Promise<void>;
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  level?: LogLevel;
  format?: "json" | "pretty";
  /**
   * Where lines go, each as it is logged (tests collect them); default:
   * stderr, through `sink`.
   */
  write?: (line: string) => void;
  /** The buffered sink for stderr; default the process-wide one. */
  sink?: LogSink;
}

const SECRET_KEY = /pass(word)?|secret|token|cookie|authorization|api[-_]?key/i;

// Log lines use a handful of distinct keys: remember which are secret.
const secretKeys = new Map<string, boolean>();
function isSecretKey(k: string): boolean {
  let secret = secretKeys.get(k);
  if (secret === undefined) {
    secret = SECRET_KEY.test(k);
    if (secretKeys.size < 10_000) secretKeys.set(k, secret);
  }
  return secret;
}

/** Returns a copy of `fields` with secret-looking keys replaced by "[redacted]". */
export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  assignRedacted(out, fields);
  return out;
}

const encoder = new TextEncoder();
function writeStderrSync(line: string): void {
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
}

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !==
  "undefined";

interface Output {
  min: number;
  format: "json" | "pretty";
  write: (line: string) => void;
  flush: () => Promise<void>;
}

function output(options: LoggerOptions): Output {
  let write = options.write;
  let flush = () => Promise.resolve();
  if (!write) {
    if (inWorker && !options.sink) write = writeStderrSync;
    else {
      const sink = options.sink ?? stderrLogSink();
      write = (line) => sink.write(line);
      flush = () => sink.flush();
    }
  }
  return {
    min: LOG_LEVELS.indexOf(options.level ?? "info"),
    format: options.format ?? "json",
    write,
    flush,
  };
}

/** Copies `from` into `to`, redacted (see {@linkcode redact}). */
function assignRedacted(to: LogFields, from: LogFields): void {
  for (const k in from) {
    const v = from[k];
    if (isSecretKey(k)) to[k] = "[redacted]";
    else if (v instanceof Error) to[k] = { name: v.name, message: v.message, stack: v.stack };
    else to[k] = v;
  }
}

function line(o: Output, level: LogLevel, msg: string, base: LogFields, fields?: LogFields) {
  if (o.format === "json") {
    // One object, built once: a line per request makes this a hot path.
    const out: LogFields = { time: new Date().toISOString(), level, msg };
    assignRedacted(out, base);
    if (fields) assignRedacted(out, fields);
    return JSON.stringify(out);
  }
  const all = redact(fields ? { ...base, ...fields } : base);
  const extra = Object.entries(all).map(([k, v]) =>
    `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
  ).join(" ");
  return `${new Date().toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${
    extra ? " " + extra : ""
  }`;
}

function make(o: Output, base: LogFields): Logger {
  function log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LOG_LEVELS.indexOf(level) < o.min) return;
    o.write(line(o, level, msg, base, fields));
  }
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    // Made for every request (its id): only the fields are new.
    child: (fields) => make(o, { ...base, ...fields }),
    flush: o.flush,
  };
}

/** Creates a logger. */
export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  return make(output(options), base);
}
