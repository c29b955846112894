/**
 * Where segments start. Copying, a segment can only start on a keyframe of
 * the source, so the plan walks the source's keyframes: the first segment
 * ends at the first keyframe after `firstSec` (short, so playback starts
 * fast), each next one at the first keyframe `segmentSec` after its start.
 * Encoding, we place the keyframes ourselves: `firstSec`, then every
 * `segmentSec`. A plan is the list of segment start times plus the end.
 */

/** Segment boundaries: `starts[i]` begins segment i; the last entry is the film's end. */
export type SegmentPlan = number[];

/** The plan of a copy, from the source's keyframe times (seconds, ascending). */
export function copyPlan(
  keyframes: readonly number[],
  durationSec: number,
  o: { firstSec: number; segmentSec: number },
): SegmentPlan {
  const kf = keyframes.filter((t) => t >= 0 && t < durationSec);
  const out = [kf.length ? Math.min(kf[0], 0) : 0];
  let target = o.firstSec;
  for (const t of kf) {
    if (t >= target && t > out[out.length - 1] + 0.3) {
      out.push(t);
      target = t + o.segmentSec;
    }
  }
  out.push(durationSec);
  return out;
}

/** The plan of an encode. */
export function encodePlan(
  durationSec: number,
  o: { firstSec: number; segmentSec: number },
): SegmentPlan {
  const out = [0];
  // The last segment is never shorter than half a second: a sliver is a request for nothing.
  for (let t = o.firstSec; t < durationSec - 0.5; t += o.segmentSec) out.push(Number(t.toFixed(3)));
  out.push(durationSec);
  return out;
}
