/** The `movies` section: when progress counts as watched, and when it is kept for resume. */
import { defineSection } from "../config/config.ts";
import { duration, integer } from "../config/values.ts";

/** The `movies` section. */
export const moviesConfig = defineSection("movies", "Films and watch progress.", {
  watchedPercent: {
    env: "REVENGE_WATCHED_PERCENT",
    schema: integer(1, 100),
    default: 90,
    doc: "Played past this percentage, a film counts as watched (and its resume point is cleared).",
  },
  resumeMinPercent: {
    env: "REVENGE_RESUME_MIN_PERCENT",
    schema: integer(0, 99),
    default: 5,
    doc: "Progress below this percentage is not kept for resume.",
  },
  resumeMinDurationSec: {
    env: "REVENGE_RESUME_MIN_DURATION_SEC",
    schema: duration("s"),
    default: 300,
    doc: "Films shorter than this are never resumed, only marked watched (seconds, or a duration).",
  },
});
