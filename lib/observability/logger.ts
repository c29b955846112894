/**
 * One structured logger for the whole process: JSON lines in production,
 * readable lines in a terminal. Keys that look like secrets are redacted so a
 * token, cookie or password never reaches a log line by accident.
 */

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
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  level?: LogLevel;
  format?: "json" | "pretty";
  /** Where lines go; defaults to stderr. */
  write?: (line: string) => void;
}

const SECRET_KEY = /pass(word)?|secret|token|cookie|authorization|api[-_]?key/i;

/** Returns a copy of `fields` with secret-looking keys replaced by "[redacted]". */
export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_KEY.test(k)) out[k] = "[redacted]";
    else if (v instanceof Error) out[k] = { name: v.name, message: v.message, stack: v.stack };
    else out[k] = v;
  }
  return out;
}

const encoder = new TextEncoder();
function writeStderr(line: string): void {
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
}

/** Creates a logger. */
export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const min = LOG_LEVELS.indexOf(options.level ?? "info");
  const format = options.format ?? "json";
  const write = options.write ?? writeStderr;
  function log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const all = redact({ ...base, ...fields });
    if (format === "json") {
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...all }));
    } else {
      const extra = Object.entries(all).map(([k, v]) =>
        `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
      ).join(" ");
      write(
        `${new Date().toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${
          extra ? " " + extra : ""
        }`,
      );
    }
  }
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}
