import { z } from "zod";
import { live, probability, seconds, section } from "../fields.js";

export const INTENT_NAMES = [
  "HassTurnOn",
  "HassTurnOff",
  "HassLightSet",
  "HassClimateSetTemperature",
  "HassStartTimer",
  "HassCancelTimer",
  "HassIncreaseTimer",
  "HassDecreaseTimer",
  "HassTimerStatus",
  "HassPauseTimer",
  "HassUnpauseTimer",
  "HassGetState",
  "HassGetCurrentTime",
  "HassGetCurrentDate",
  "HassNevermind",
] as const;

export const intentSection = section(
  {
    templates_file: z
      .string()
      .nullable()
      .default(null)
      .describe("YAML file of sentence templates that extend or override the built-in ones"),
    fuzzy_threshold: probability()
      .default(0.8)
      .describe("Minimum similarity for a misheard device or area name to match"),
    allowed_intents: z
      .array(z.enum(INTENT_NAMES))
      .default([...INTENT_NAMES])
      .describe("Intents that may produce a command"),
    confirm_sensitive: z
      .boolean()
      .default(true)
      .describe("Ask for a spoken yes before unlocking or opening doors/gates; false refuses them outright"),
    confirm_window_seconds: seconds(1, 60)
      .default(8)
      .describe("How long to wait for the yes (on the audio clock and on the wall clock)"),
    timeout_seconds: seconds(1, 300)
      .nullable()
      .default(null)
      .meta(live)
      .describe(
        "Time limit from the text to the command's handoff (templates, the LLM, a local skill): past it the run ends as timeout (error intent-timeout); null = llm.timeout_seconds + 5 s",
      ),
    allow_sensitive_from_text: z
      .boolean()
      .default(false)
      .describe(
        "Let text (MQTT set/text) request and confirm sensitive actions with a typed yes; risky: anyone who can publish to set/text can then unlock and open (see docs/security.md)",
      ),
  },
  "Intent recognition and safety policy",
);

export const llmSection = section(
  {
    mode: z
      .enum(["off", "fallback", "always"])
      .default("fallback")
      .describe(
        "When to ask the LLM: after templates fail (fallback), instead of them (always), or never; off when no model is set",
      ),
    model: z
      .string()
      .nullable()
      .default(null)
      .describe("GGUF model id from the manifest, or a path to a .gguf file"),
    gpu: z
      .union([z.enum(["auto", "cuda", "vulkan", "metal"]), z.literal(false)])
      .default("auto")
      .describe("llama.cpp backend: auto, cuda, vulkan, metal, or false for CPU only"),
    threads: z.number().int().min(0).max(64).default(0).describe("CPU threads; 0 = physical cores"),
    context_size: z.number().int().min(256).max(32768).default(2048).describe("Context window in tokens"),
    timeout_seconds: seconds(0.1, 120).default(8).describe("Per-utterance time limit"),
  },
  "Small GGUF LLM fallback on llama.cpp (node-llama-cpp)",
);
