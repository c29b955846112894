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

// Lines come in bursts within one millisecond: format each millisecond once.
let stampMs = 0;
let stamp = "";
function now(): string {
  const t = Date.now();
  if (t !== stampMs) {
    stampMs = t;
    stamp = new Date(t).toISOString();
  }
  return stamp;
}

// `"key":` for each key seen, and whether its value is to be redacted.
const keys = new Map<string, { json: string; secret: boolean }>();
function keyOf(k: string): { json: string; secret: boolean } {
  let info = keys.get(k);
  if (!info) {
    info = { json: JSON.stringify(k) + ":", secret: isSecretKey(k) };
    if (keys.size < 10_000) keys.set(k, info);
  }
  return info;
}

/** A value as JSON, or undefined where JSON.stringify would leave the key out. */
function jsonValue(v: unknown): string | undefined {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? String(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (v === null) return "null";
  if (v instanceof Error) {
    return JSON.stringify({ name: v.name, message: v.message, stack: v.stack });
  }
  return JSON.stringify(v);
}

/** `,"key":value` for each field (redacted), leaving out those `except` has. */
function jsonFields(from: LogFields, except?: LogFields): string {
  let s = "";
  for (const k in from) {
    if (except && Object.hasOwn(except, k)) continue;
    const key = keyOf(k);
    const v = key.secret ? '"[redacted]"' : jsonValue(from[k]);
    if (v !== undefined) s += "," + key.json + v;
  }
  return s;
}

const RESERVED = (f: LogFields) =>
  Object.hasOwn(f, "time") || Object.hasOwn(f, "level") || Object.hasOwn(f, "msg");

/**
 * A JSON line, written out directly rather than through an object and
 * `JSON.stringify`: an access-log line per request makes this a hot path.
 * The same text as `JSON.stringify({ time, level, msg, ...base, ...fields })`
 * redacted, except that a field given again in `fields` takes its place at
 * the end.
 */
function jsonLine(level: LogLevel, msg: string, base: LogFields, fields?: LogFields): string {
  if (RESERVED(base) || (fields && RESERVED(fields))) {
    const out: LogFields = { time: now(), level, msg };
    assignRedacted(out, base);
    if (fields) assignRedacted(out, fields);
    return JSON.stringify(out);
  }
  return `{"time":"${now()}","level":"${level}","msg":${JSON.stringify(msg)}${
    jsonFields(base, fields)
  }${fields ? jsonFields(fields) : ""}}`;
}

function line(o: Output, level: LogLevel, msg: string, base: LogFields, fields?: LogFields) {
  if (o.format === "json") return jsonLine(level, msg, base, fields);
  const all = redact(fields ? { ...base, ...fields } : base);
  const extra = Object.entries(all).map(([k, v]) =>
    `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
  ).join(" ");
  return `${now().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${
    extra ? " " + extra : ""
  }`;
}

const LEVEL = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 } as const;

// A class rather than an object of closures: a child logger is made for every
// request (its id), and this makes that one small allocation.
class StructuredLogger implements Logger {
  readonly #o: Output;
  readonly #base: LogFields;
  constructor(o: Output, base: LogFields) {
    this.#o = o;
    this.#base = base;
  }
  #log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVEL[level] < this.#o.min) return;
    this.#o.write(line(this.#o, level, msg, this.#base, fields));
  }
  debug(msg: string, fields?: LogFields): void {
    this.#log("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#log("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#log("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#log("error", msg, fields);
  }
  child(fields: LogFields): Logger {
    return new StructuredLogger(this.#o, { ...this.#base, ...fields });
  }
  flush(): Promise<void> {
    return this.#o.flush();
  }
}

/** Creates a logger. */
export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  return new StructuredLogger(output(options), base);
}
