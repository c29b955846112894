/** Validation of an agent's settings and secrets against its kind's schemas. */
import type { z } from "zod";
import { ValidationError } from "../model/errors.ts";
import type { AgentKind } from "../model/notification.ts";
import { AGENT_SCHEMAS } from "./agent_kinds.ts";

function parse(schema: z.ZodType, value: unknown, path: string): Record<string, unknown> {
  const r = schema.safeParse(value);
  if (r.success) return r.data as Record<string, unknown>;
  throw new ValidationError(`Invalid ${path} for this kind of agent.`, {
    issues: r.error.issues.map((i) => ({
      path: [path, ...i.path.map(String)].join("."),
      message: i.message,
    })),
  });
}

/** Parses settings and secrets of an agent of `kind`; throws ValidationError with the issues. */
export function parseInput(
  kind: AgentKind,
  settings: unknown,
  secrets: unknown,
): { settings: Record<string, unknown>; secrets: Record<string, string> } {
  const s = AGENT_SCHEMAS[kind];
  const parsedSecrets = parse((s.secrets as z.ZodObject).strict(), secrets, "secrets");
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsedSecrets)) if (typeof v === "string") clean[k] = v;
  return {
    settings: parse((s.settings as z.ZodObject).strict(), settings, "settings"),
    secrets: clean,
  };
}
