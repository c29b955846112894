/**
 * Typed configuration in sections. Each domain declares its section next to
 * its code with {@linkcode defineSection}: one entry per key with its
 * environment variable, value schema (`values.ts`), default and meaning. The
 * registry collects the sections of every module; {@linkcode loadConfig}
 * reads them from the environment and an optional JSON file
 * (`REVENGE_CONFIG`, nested by section: `{"http": {"port": 8095}}`), the
 * environment winning, and `docs/configuration.md` is generated from the
 * same declarations ({@linkcode renderConfigDocs}).
 */
import type { z } from "zod";

/** Raised when a configuration value is invalid; the message names the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** One configuration key. */
export interface ConfigKey<T = unknown> {
  /** Environment variable. */
  env: string;
  /** Turns the raw value (file JSON or environment string) into its type. */
  schema: z.ZodType<T>;
  /** Raw default; absent: unset (the schema must then accept `undefined`). */
  default?: unknown;
  /** Default when Revenge runs as root. */
  rootDefault?: unknown;
  /** The key's flat name in config files written before sections existed. */
  legacy?: string;
  /** The value is a secret: an error about it never quotes it. */
  secret?: boolean;
  doc: string;
}

/** A section of the configuration: `name` is its key in the file and in `Config`. */
export interface ConfigSection<
  N extends string = string,
  K extends Record<string, ConfigKey> = Record<string, ConfigKey>,
> {
  name: N;
  doc: string;
  keys: K;
}

/** Declares a section, keeping its literal name and key types. */
export function defineSection<const N extends string, const K extends Record<string, ConfigKey>>(
  name: N,
  doc: string,
  keys: K,
): ConfigSection<N, K> {
  return { name, doc, keys };
}

/** The typed values of one section. */
export type SectionValues<S extends ConfigSection> = {
  -readonly [K in keyof S["keys"]]: z.output<S["keys"][K]["schema"]>;
};

/** The typed configuration made of `sections`. */
export type ConfigOf<T extends readonly ConfigSection[]> =
  & { -readonly [S in T[number] as S["name"]]: SectionValues<S> }
  & { /** Path of the config file that was read, if any. */ configFile?: string };

/** Options for {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  /** Parsed config file contents (takes precedence over reading `REVENGE_CONFIG`). */
  file?: Record<string, unknown>;
  /** The user id whose defaults apply (default: this process's). */
  uid?: number;
}

/** Reads the JSON config file named by `REVENGE_CONFIG`, if any. */
export function readConfigFile(path: string | undefined): Record<string, unknown> | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    throw new ConfigError(`REVENGE_CONFIG: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text);
    if (!isObject(parsed)) throw 0;
    return parsed;
  } catch {
    throw new ConfigError(`REVENGE_CONFIG: ${path} must hold a JSON object`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The file's values by `section.key`: nested sections, or the flat keys of
 * older files (`{"port": 8095}`). An unknown section or key is refused.
 */
function fileValues(
  sections: readonly ConfigSection[],
  file: Record<string, unknown>,
): Map<string, unknown> {
  const byPath = new Map<string, unknown>();
  const legacy = new Map<string, string>();
  const known = new Set<string>();
  // A flat name belongs to the first section that has the key (or names it
  // as its `legacy`): later sections with a key of the same name (the metrics
  // listener's `port`) never take over an older file's `port`.
  for (const s of sections) {
    for (const [k, spec] of Object.entries(s.keys)) {
      known.add(`${s.name}.${k}`);
      if (spec.legacy) legacy.set(spec.legacy, `${s.name}.${k}`);
    }
  }
  for (const s of sections) {
    for (const k of Object.keys(s.keys)) {
      if (!legacy.has(k)) legacy.set(k, `${s.name}.${k}`);
    }
  }
  const allowed = () => [...known].join(", ");
  for (const [top, value] of Object.entries(file)) {
    const section = sections.find((s) => s.name === top);
    if (section && isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (!known.has(`${top}.${k}`)) {
          throw new ConfigError(`config file: unknown key "${top}.${k}"; allowed: ${allowed()}`);
        }
        byPath.set(`${top}.${k}`, v);
      }
    } else if (legacy.has(top)) byPath.set(legacy.get(top)!, value);
    else throw new ConfigError(`config file: unknown key "${top}"; allowed: ${allowed()}`);
  }
  return byPath;
}

/**
 * Builds the configuration of `sections` from the environment and the
 * config file. Throws {@linkcode ConfigError} naming the first bad key, the
 * value and what it allows.
 */
export function loadConfig<const T extends readonly ConfigSection[]>(
  sections: T,
  options: LoadConfigOptions = {},
): ConfigOf<T> {
  const env = options.env ?? Deno.env.toObject();
  const configFile = env.REVENGE_CONFIG;
  const file = fileValues(sections, options.file ?? readConfigFile(configFile) ?? {});
  const root = (options.uid ?? Deno.uid()) === 0;
  const out: Record<string, unknown> = { configFile };
  for (const s of sections) {
    const values: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(s.keys)) {
      const fromEnv = env[spec.env];
      const path = `${s.name}.${key}`;
      const useEnv = fromEnv !== undefined && fromEnv !== "";
      const raw = useEnv
        ? fromEnv
        : file.has(path)
        ? file.get(path)
        : root && "rootDefault" in spec
        ? spec.rootDefault
        : spec.default;
      const result = spec.schema.safeParse(raw);
      if (!result.success) {
        const why = result.error.issues[0]?.message ?? "is invalid";
        const source = useEnv ? spec.env : file.has(path) ? `config file "${path}"` : path;
        const got = spec.secret ? "a value that is not shown" : JSON.stringify(raw);
        throw new ConfigError(`${source}: ${why} (got ${got})`);
      }
      values[key] = result.data;
    }
    out[s.name] = values;
  }
  return out as ConfigOf<T>;
}

const DOC_HEAD = `# Configuration

<!-- Generated from the sections declared in the code: \`deno task config-docs\`. A test fails
when this file is out of date; edit the declarations, not this file. -->

Revenge reads its settings from environment variables and, optionally, from a JSON file named by
\`REVENGE_CONFIG\`, nested by section as in the second column (\`{"http": {"port": 8095}}\`; the
flat keys of older files, such as \`{"port": 8095}\`, are still read). The environment wins over
the file. Values keep their types in the file: numbers, \`true\`/\`false\`, JSON arrays for lists.
In the environment, lists are comma-separated (\`REVENGE_TRUSTED_PROXIES=10.0.0.0/8,192.168.1.1\`)
and booleans are \`true\`/\`false\` (or \`1\`/\`0\`, \`yes\`/\`no\`). Durations are a number in the key's
unit or number-unit pairs such as \`90s\`, \`15m\`, \`12h\`, \`7d\`, \`1h30m\`.

Every value is validated at start-up: a bad one stops Revenge with exit code 2 and one line naming
the key, the value and what it allows, for example:

\`\`\`
revenge: REVENGE_PORT: must be a port number from 0 to 65535 (got "80a")
\`\`\`
`;

function shown(v: unknown): string {
  if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) return "unset";
  return "`" + (typeof v === "string" ? v : JSON.stringify(v)) + "`";
}

/** The text of `docs/configuration.md` for `sections`. */
export function renderConfigDocs(sections: readonly ConfigSection[]): string {
  const parts = [DOC_HEAD];
  for (const s of sections) {
    parts.push(`## \`${s.name}\`\n\n${s.doc}\n`);
    parts.push("| environment variable | file key | default | meaning |");
    parts.push("| --- | --- | --- | --- |");
    for (const [k, spec] of Object.entries(s.keys)) {
      const doc = spec.doc.replaceAll("|", "\\|").replaceAll("\n", " ");
      parts.push(`| \`${spec.env}\` | \`${s.name}.${k}\` | ${shown(spec.default)} | ${doc} |`);
    }
    parts.push("");
  }
  return parts.join("\n");
}
