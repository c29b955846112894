/**
 * What a playback position means, as in Jellyfin's `UserDataManager`:
 * past `watchedPercent` the film is watched and its resume point cleared;
 * below `resumeMinPercent` nothing is kept for resume; a film shorter than
 * `resumeMinDurationMs` is never resumed, only marked watched once played
 * past `resumeMinPercent`. A position past the end is clamped to the end:
 * players report a few milliseconds beyond the duration they announced, and
 * refusing that report would lose the "watched" it means.
 */

/** The thresholds (the `movies` configuration section). */
export interface ProgressRules {
  watchedPercent: number;
  resumeMinPercent: number;
  resumeMinDurationMs: number;
}

/** A report as it is stored. */
export interface JudgedProgress {
  /** The resume point: 0 when none is kept. */
  positionMs: number;
  durationMs: number | null;
  /** Played to the end now: watched, and one more play. */
  completed: boolean;
}

/**
 * Judges a report of `positionMs` into a film of `durationMs` (null: not
 * known, so only the position is stored).
 */
export function judgeProgress(
  positionMs: number,
  durationMs: number | null,
  rules: ProgressRules,
): JudgedProgress {
  if (durationMs === null || durationMs <= 0) {
    return { positionMs, durationMs: null, completed: false };
  }
  const position = Math.min(positionMs, durationMs);
  const percent = position * 100 / durationMs;
  if (percent >= rules.watchedPercent) return { positionMs: 0, durationMs, completed: true };
  if (percent < rules.resumeMinPercent) return { positionMs: 0, durationMs, completed: false };
  if (durationMs < rules.resumeMinDurationMs) {
    return { positionMs: 0, durationMs, completed: true };
  }
  return { positionMs: position, durationMs, completed: false };
}
