import { z } from "zod";
import { probability, restart, seconds, section } from "../fields.js";

export const vadSection = section(
  {
    model: z
      .string()
      .default("silero_vad_v5")
      .meta(restart)
      .describe("Voice-activity model id from the manifest"),
    start_threshold: probability().default(0.5).describe("Speech probability that starts speech"),
    end_threshold: probability()
      .default(0.35)
      .describe("Speech probability below which speech has ended (hysteresis)"),
    no_speech_timeout_seconds: seconds(0.5, 60)
      .default(5)
      .describe("End the run as no-speech if no speech starts within this time after the wake word"),
    trailing_silence_seconds: seconds(0.1, 5)
      .default(0.7)
      .describe("Silence after speech that ends the command"),
    early_endpoint_seconds: seconds(0.1, 5)
      .nullable()
      .default(0.3)
      .describe(
        "Shorter silence that ends a command already heard whole (in the home's sentences, nothing can follow); null: off",
      ),
    max_command_seconds: seconds(1, 60).default(15).describe("Cut the command at this length"),
    min_speech_seconds: seconds(0, 2)
      .default(0.15)
      .describe("Speech shorter than this is ignored as a click"),
    pre_roll_seconds: seconds(0, 3)
      .default(1.5)
      .describe(
        "Audio kept from before the wake word's end: Whisper hears the whole wake phrase, so a command said without a pause is not clipped",
      ),
  },
  "Voice-activity endpointing (Silero VAD)",
);
