import { z } from "zod";
import { seconds, section } from "../fields.js";

export const timersSection = section(
  {
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "The board runs timers itself (kept in state_dir, they ring here); false publishes timer intents for another system to run",
      ),
    ring_limit_seconds: seconds(5, 600)
      .default(60)
      .describe(
        'How long a finished timer rings ("your pasta timer is done", repeated) unless stopped sooner',
      ),
    ring_pause_seconds: seconds(1, 60)
      .default(4)
      .describe('Quiet between two rings: the microphone listens then, for "stop"'),
  },
  "Timers run by the board (see docs/timers.md)",
);
