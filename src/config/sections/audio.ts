import { z } from "zod";
import { section } from "../fields.js";

export const audioSection = section(
  {
    device: z
      .string()
      .min(1)
      .default("default")
      .describe(
        "ALSA capture device; prefer a name (plughw:CARD=Device,DEV=0) so a replugged USB mic is found again",
      ),
    recorder: z
      .enum(["auto", "arecord", "sox", "rec"])
      .default("auto")
      .describe("Recorder program; auto = arecord on Linux, sox elsewhere"),
    capture_rate: z
      .number()
      .int()
      .min(8000)
      .max(192_000)
      .default(16_000)
      .describe("Sample rate asked of the recorder; other than 16000 is resampled here (anti-aliased)"),
    capture_channels: z
      .number()
      .int()
      .min(1)
      .max(32)
      .default(1)
      .describe("Channels asked of the recorder; more than 1 are averaged to mono"),
    retry_initial_seconds: z
      .number()
      .min(0.1)
      .max(60)
      .default(1)
      .describe("First delay before reopening a lost microphone"),
    retry_max_seconds: z
      .number()
      .min(1)
      .max(600)
      .default(30)
      .describe("Longest delay between microphone retries (with jitter)"),
    stall_seconds: z
      .number()
      .min(0)
      .max(600)
      .default(5)
      .describe("Restart a recorder that delivers no audio for this long; 0 disables the check"),
  },
  "Microphone input",
);
