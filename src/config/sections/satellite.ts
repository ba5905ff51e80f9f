import { z } from "zod";
import { seconds, section } from "../fields.js";

/** `role`: what this board does in a home of satellites and a base (docs/rooms.md#satellites-and-a-base). */
export const roleField = z
  .enum(["standalone", "satellite", "base"])
  .default("standalone")
  .describe(
    "standalone: this board hears, transcribes and acts; satellite: wake word and VAD only, the command audio goes to `satellite.base` over MQTT; base: also transcribes and acts for satellites (docs/rooms.md)",
  );

export const satelliteSection = section(
  {
    base: z
      .string()
      .regex(/^[a-z0-9_-]+$/, "expected the base's site id, of [a-z0-9_-]")
      .nullable()
      .default(null)
      .describe("role satellite: the site id of the base that transcribes and acts for this board"),
    fallback: z
      .enum(["none", "local"])
      .default("none")
      .describe(
        "role satellite: none = load no Whisper and no intent stage (a Pi Zero 2 W), a command the base cannot take ends with an error earcon; local = load them at start, and transcribe and act here when the base is gone or refuses (docs/rooms.md#local-fallback)",
      ),
    base_timeout_seconds: seconds(1, 60)
      .default(6)
      .describe(
        "role satellite: the base counts as gone when its heartbeat is older than this (it beats every heartbeat_seconds)",
      ),
    answer_timeout_seconds: seconds(1, 120)
      .default(15)
      .describe(
        "role satellite: from the end of the command to the base's answer; past it the run ends `timeout` (an error earcon)",
      ),
    heartbeat_seconds: seconds(0.5, 30)
      .default(2)
      .describe("role base: how often the base republishes its status and capacity (retained)"),
    queue: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(16)
      .describe(
        "role base: satellite sessions streaming or waiting for speech recognition; more are rejected",
      ),
    per_site: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(2)
      .describe("role base: sessions of one satellite at once; more are rejected (a satellite that floods)"),
    stall_seconds: seconds(0.5, 30)
      .default(3)
      .describe("role base: a session whose audio stops this long before its end is dropped"),
    max_session_seconds: seconds(2, 60)
      .default(20)
      .describe("role base: the most audio one session may send; a satellite that never stops is rejected"),
  },
  "Satellites and a base (role satellite / base, docs/rooms.md)",
);

/**
 * Whether this board loads Whisper and the intent stage: every role but a satellite, and a
 * satellite with `satellite.fallback: local`. A satellite without them hears the wake word and
 * endpoints only (docs/rooms.md#what-a-satellite-loads).
 */
export function hasLocalModels(config: {
  role: "standalone" | "satellite" | "base";
  satellite: { fallback: "none" | "local" };
}): boolean {
  return config.role !== "satellite" || config.satellite.fallback === "local";
}
