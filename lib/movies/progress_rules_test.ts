import { assertEquals } from "../../tests/assert.ts";
import { judgeProgress } from "./progress_rules.ts";

const RULES = { watchedPercent: 90, resumeMinPercent: 5, resumeMinDurationMs: 300_000 };
const HOUR = 3_600_000;

Deno.test("judgeProgress keeps a resume point between the thresholds only", () => {
  assertEquals(judgeProgress(0.04 * HOUR, HOUR, RULES), {
    positionMs: 0,
    durationMs: HOUR,
    completed: false,
  });
  assertEquals(judgeProgress(HOUR / 2, HOUR, RULES), {
    positionMs: HOUR / 2,
    durationMs: HOUR,
    completed: false,
  });
  assertEquals(judgeProgress(0.9 * HOUR, HOUR, RULES).completed, true);
  assertEquals(judgeProgress(0.95 * HOUR, HOUR, RULES), {
    positionMs: 0,
    durationMs: HOUR,
    completed: true,
  });
});

Deno.test("judgeProgress clamps past the end, and never resumes a short film", () => {
  assertEquals(judgeProgress(HOUR + 500, HOUR, RULES).completed, true);
  // Four minutes: played half-way is watched, a glance is nothing.
  assertEquals(judgeProgress(120_000, 240_000, RULES), {
    positionMs: 0,
    durationMs: 240_000,
    completed: true,
  });
  assertEquals(judgeProgress(5_000, 240_000, RULES).completed, false);
});

Deno.test("judgeProgress stores the position alone when no duration is known", () => {
  assertEquals(judgeProgress(12_345, null, RULES), {
    positionMs: 12_345,
    durationMs: null,
    completed: false,
  });
});
