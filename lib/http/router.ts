/**
 * Every API sub-app is made here, so all of them turn schema failures into
 * the same problem response and contribute to one OpenAPI document.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { ValidationError } from "../model/errors.ts";
import type { AppEnv } from "./types.ts";

/** Creates a router whose validation failures throw {@linkcode ValidationError}. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({
          path: [result.target, ...i.path.map(String)].join("."),
          message: i.message,
        }));
        throw new ValidationError(
          `Invalid request ${result.target}: ${
            issues.map((i) => `${i.path}: ${i.message}`).join("; ")
          }`,
          { issues },
        );
      }
    },
  });
}
