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
  },
  "Microphone input",
);
