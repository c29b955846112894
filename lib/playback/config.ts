/** The `playback` section: how long a silent playback session lives. */
import { defineSection } from "../config/config.ts";
import { duration } from "../config/values.ts";

/** The `playback` section. */
export const playbackConfig = defineSection("playback", "Playback sessions.", {
  sessionIdleSec: {
    env: "REVENGE_PLAYBACK_SESSION_IDLE_SEC",
    schema: duration("s", 30),
    default: 300,
    doc: "A playback session not heard from for this long ends (players report every ~10 s " +
      "while playing and every minute while paused; seconds, or a duration).",
  },
});
