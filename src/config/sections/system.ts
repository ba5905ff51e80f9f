import { z } from "zod";
import { section } from "../fields.js";

export const logSection = section(
  {
    level: z
      .enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"])
      .default("info")
      .describe("Log level; transcripts appear only at debug"),
    format: z
      .enum(["auto", "json", "pretty"])
      .default("auto")
      .describe("auto = readable on a terminal, JSON lines otherwise (journald)"),
  },
  "Logging (to stderr)",
);

export const modelsSection = section(
  {
    dir: z
      .string()
      .default("models")
      .describe("Directory searched first for model files (relative to the working directory)"),
    verify: z
      .enum(["cached", "always"])
      .default("cached")
      .describe("Hash check at start: cached by path+size+mtime, or always"),
  },
  "Model store",
);

export const feedbackSection = section(
  {
    earcons: z.boolean().default(false).describe("Play a sound on wake and on done/error"),
    speech: z.boolean().default(false).describe("Speak replies with espeak-ng when installed"),
    voice: z.string().default("en-us").describe("espeak-ng voice"),
    player: z.enum(["auto", "aplay", "play"]).default("auto").describe("Program that plays sounds"),
    output_device: z.string().nullable().default(null).describe("ALSA playback device; null = default"),
    gate_seconds: z
      .number()
      .min(0)
      .max(3)
      .default(0.4)
      .describe("The wake word is ignored while a sound plays and this long after (echo, capture buffer)"),
  },
  "Feedback to the person speaking",
);

export const metricsSection = section(
  {
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .nullable()
      .default(null)
      .describe("Prometheus metrics port on 127.0.0.1; null = off"),
    stats_interval_seconds: z
      .number()
      .min(5)
      .default(60)
      .describe("How often the retained stats topic is published"),
  },
  "Metrics",
);

export const debugSection = section(
  {
    recordings_dir: z
      .string()
      .nullable()
      .default(null)
      .describe("Opt-in: write one WAV per run here (off by default for privacy)"),
    recordings_max_files: z
      .number()
      .int()
      .min(1)
      .default(200)
      .describe("Keep at most this many recordings; the oldest are deleted (protects the SD card)"),
  },
  "Debugging",
);
