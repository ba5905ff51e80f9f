import { z } from "zod";
import { section } from "../fields.js";

export const roomsSection = section(
  {
    group: z
      .string()
      .regex(/^[a-z0-9_-]+$/, "expected a group id of [a-z0-9_-]")
      .nullable()
      .default(null)
      .describe(
        "Boards with the same group on one broker answer each wake word once: the board that heard it best acts, the others end silently (docs/rooms.md); null = this board answers alone",
      ),
    arbitration_ms: z
      .number()
      .int()
      .min(20)
      .max(2000)
      .default(200)
      .describe(
        "How long the boards of a group gather each other's claims before one acts (speech recognition goes on meanwhile; only acting waits). Keep it above the broker's worst round trip",
      ),
  },
  "Several boards on one broker (docs/rooms.md)",
);
