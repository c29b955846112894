import { assertEquals } from "../../../tests/assert.ts";
import { copyPlan, encodePlan } from "./segment_plan.ts";

const o = { firstSec: 1, segmentSec: 6 };

Deno.test("copyPlan cuts on keyframes: a short first segment, then about segmentSec", () => {
  const keyframes = Array.from({ length: 30 }, (_, i) => Number((i * 1.001).toFixed(3)));
  assertEquals(copyPlan(keyframes, 30, o), [0, 1.001, 7.007, 13.013, 19.019, 25.025, 30]);
  // Sparse keyframes: segments are as long as the GOPs.
  assertEquals(copyPlan([0, 10, 20], 25, o), [0, 10, 20, 25]);
});

Deno.test("encodePlan starts a segment at firstSec and every segmentSec after", () => {
  assertEquals(encodePlan(20, o), [0, 1, 7, 13, 19, 20]);
  // No sliver at the end.
  assertEquals(encodePlan(19.3, o), [0, 1, 7, 13, 19.3]);
});
