/**
 * The API takes JSON bodies only: an unsafe request with a body that is not
 * `application/json` (or `+json`) gets 415 before any handler runs. This
 * also means an HTML form or a `text/plain` "simple request" from another
 * site can never reach an API handler. A later route that takes uploads
 * (multipart, images, subtitles) needs an explicit exception here; the CSRF
 * check still covers it.
 */
import { problem } from "../problem.ts";
import type { RequestStep } from "./steps.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/** Refuses non-JSON request bodies. */
export function jsonOnly(): RequestStep {
  return function jsonOnlyStep(c) {
    if (!SAFE.has(c.req.method)) {
      const type = c.req.header("content-type");
      const length = c.req.header("content-length");
      const hasBody = (length !== undefined && length !== "0") ||
        c.req.header("transfer-encoding") !== undefined;
      if ((type && !JSON_TYPE.test(type)) || (hasBody && !type)) {
        return problem(c, 415, "Request bodies must be JSON (Content-Type: application/json).");
      }
    }
    return undefined;
  };
}
