import { z } from "zod";
import { live, probability, seconds, section } from "../fields.js";

/** Calibrated on espeak-ng voices (docs/stt.md, "Guided decoding"). */
const GUIDED_DEFAULTS = {
  // Measured with `prompt` read before the searches: without it, -1.4 (docs/stt.md, session 12).
  minScore: -1,
  minScoreSensitive: -1,
  minMargin: 0.05,
  // Every low-scored guess this far ahead of the next sentence on the benches was right (docs/stt.md, session 19).
  clearMargin: 1.5,
  clearMinScore: -1.5,
  maxDrop: 1,
  minNumberLead: 1,
  minActionLead: 5,
  // "is the kitchen light on" said in one breath: the command heard led the question by 1.6-12.0
  // nats (all but one below 11); "kitchen light on" said, by 11.1-20.8 (docs/stt.md, session 37).
  minQuestionLead: 11,
  // Said without a name, "turn on the light" led the text with a name by 10.2-16.3 nats; said
  // with one Whisper dropped, by 2.1-6.3 (docs/stt.md, session 31).
  minNameLead: 8,
  // Below it 3 of 12 state guesses were the reverse of what was said, above it 1 of 309 (docs/stt.md, session 25).
  minStateLead: 0.5,
  // "room light" guessed as "living room light" was wrong 4 times at margins 0.06-0.32 on the
  // noisy bench (docs/stt.md, session 32).
  minNameMargin: 0.35,
  // Said and heard, a word after "the" or "to" led its stop by 3.7-11 nats; Whisper's own
  // ending of the half sentence "turn on the" by -0.2-1.3 (docs/stt.md, session 26).
  minLastWordLead: 3,
  // Refused guesses this sure were right 19 times, wrong 10 on two bench sets (docs/stt.md, session 21).
  askMinScore: -1.1,
  perWord: 2,
  // Off since session 18: over three bench sets it found 6 right, 1 wrong in 263 runs, ~0.3 s each (docs/stt.md).
  rescueBeam: 0,
  prompt: "Turn on, turn off, switch, set, put, open, close, start.",
};

export const sttSection = section(
  {
    model: z.string().default("whisper-tiny").describe("Whisper model id from the manifest"),
    language: z
      .string()
      .default("en")
      .describe("ISO 639-1 code, or auto to detect (multilingual models only)"),
    threads: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(2)
      .describe("onnxruntime intra-op threads for Whisper's encoder (2 measured fastest, even on 2 cores)"),
    decoder_threads: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(1)
      .describe(
        "onnxruntime intra-op threads for Whisper's decoder (2 is faster on an idle machine, slower with the other core busy on 2 cores; try 2 on 4-core boards)",
      ),
    encoder_thread: z
      .boolean()
      .default(true)
      .describe(
        "Run Whisper's encoder in a worker thread, so listening keeps up while it computes (false: on the main thread, as before)",
      ),
    initial_prompt: z
      .string()
      .default("")
      .meta(live)
      .describe("Extra vocabulary for Whisper's prompt, added to device and area names"),
    speculative: z
      .boolean()
      .default(true)
      .meta(live)
      .describe("Start transcribing when trailing silence begins, so text is ready at the endpoint"),
    no_speech_threshold: probability()
      .default(0.6)
      .describe("No-speech probability above which (with a low log-prob) the text is dropped"),
    logprob_threshold: z
      .number()
      .max(0)
      .default(-1)
      .describe("Average log-probability below which a transcript is suspect"),
    compression_ratio_threshold: z
      .number()
      .min(1)
      .default(2.4)
      .describe("gzip compression ratio above which text is a repetition loop"),
    max_tokens: z.number().int().min(8).max(224).default(96).describe("Token budget per command"),
    timeout_seconds: seconds(1, 300)
      .default(30)
      .meta(live)
      .describe(
        "Time limit for transcribing one command: past it Whisper is stopped and the run ends as timeout (error stt-timeout)",
      ),
    encoder_window_seconds: z
      .number()
      .int()
      .min(5)
      .max(30)
      .default(30)
      .describe(
        "Whisper encoder window (5-30 s); below 30, commands that fit run in it: faster, less memory, less accurate (docs/stt.md)",
      ),
    self_test: z
      .boolean()
      .default(true)
      .describe(
        "At start, transcribe a known clip and refuse to run (exit 78) when Whisper mishears it even with onnxruntime's portable kernels: catches a CPU whose arithmetic goes wrong (docs/boards.md)",
      ),
    output_layer: z
      .enum(["auto", "blocks", "float", "int8"])
      .default("auto")
      .describe(
        "How Whisper's output layer runs: auto (float where the process may use 1.5 GiB or more, else blocks), blocks (exact, the least memory), float (exact, its weights dequantized once at load: guided commands ~30% sooner, ~50 MB more resident), int8 (fastest, slightly less accurate) (docs/stt.md, Memory)",
      ),
    layers: z
      .enum(["float", "int8"])
      .default("float")
      .describe(
        "How Whisper's other layers compute: float (their int8 weights dequantized once at load, each layer's input kept in float: 76 % of the hearing bench's clean commands right against 58 %, ~50 MB more resident) or int8 (as the model file has them, each layer's input quantized to 8 bits per call) (docs/stt.md, Layers in float)",
      ),
    int8_output_layer: z
      .boolean()
      .default(false)
      .describe(
        "The older name of output_layer: int8 (true overrides output_layer): Whisper's output layer in int8 like its other layers, faster decoding, slightly less accurate (docs/stt.md)",
      ),
    guided: z
      .boolean()
      .default(true)
      .describe(
        "When the templates do not understand Whisper's text, decode again constrained to the home's sentences (docs/stt.md)",
      ),
    guided_beam: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(4)
      .describe("Hypotheses kept per step by guided decoding (all go through the decoder in one call)"),
    guided_min_score: z
      .number()
      .max(0)
      .default(GUIDED_DEFAULTS.minScore)
      .describe("Lowest average log-probability per token for a guided sentence to replace the free text"),
    guided_min_score_sensitive: z
      .number()
      .max(0)
      .default(GUIDED_DEFAULTS.minScoreSensitive)
      .describe("... for a sentence asking a sensitive action (unlock, open the garage door)"),
    guided_clear_margin: z
      .number()
      .min(0)
      .default(GUIDED_DEFAULTS.clearMargin)
      .describe(
        "A guided sentence that leads every sentence asking something else by this much may score down to guided_clear_min_score; 0: no such exception",
      ),
    guided_clear_min_score: z
      .number()
      .max(0)
      .default(GUIDED_DEFAULTS.clearMinScore)
      .describe(
        "Lowest average log-probability per token for a guided sentence that clearly leads (guided_clear_margin)",
      ),
    guided_min_margin: z
      .number()
      .min(0)
      .default(GUIDED_DEFAULTS.minMargin)
      .describe("Lowest lead of the guided sentence's score over the next-best different sentence"),
    guided_max_drop: z
      .number()
      .min(0)
      .default(GUIDED_DEFAULTS.maxDrop)
      .describe("How far below the free text's average log-probability the guided sentence's may be"),
    guided_min_number_lead: z
      .number()
      .min(0)
      .default(GUIDED_DEFAULTS.minNumberLead)
      .describe(
        "How much likelier (log-probability) a command's number must be than any other value of its slot (75 against 25, 15 against 50); 0: not checked",
      ),
    guided_min_action_lead: z
      .number()
      .min(0)
      .default(GUIDED_DEFAULTS.minActionLead)
      .describe(
        "How much likelier (log-probability) a lock, unlock, arm or disarm must be than the same command reversed (Whisper drops the 'un' of unlock); 0: not checked",
      ),
    guided_min_question_lead: z
      .number()
      .min(0)
      .default(GUIDED_DEFAULTS.minQuestionLead)
      .describe(
        "How much likelier (log-probability) a command said without a verb, ending in on or off ('kitchen light on', 'lights off'), heard or guessed, must be than the question whether it is ('is the kitchen light on?'); below it the question is answered instead; 0: not checked",
      ),
    guided_min_name_lead: z
      .number()
      .min(0)
      .default(GUIDED_DEFAULTS.minNameLead)
      .describe(
        "How much likelier (log-probability) a command that picks devices by kind alone ('turn off the light'), heard or guessed, must be than the same words with one of the home's names before the device word; 0: not checked",
      ),
    guided_min_state_lead: z
      .number()
      .min(0)
      .default(GUIDED_DEFAULTS.minStateLead)
      .describe(
        "How much likelier (log-probability) an 'on' or 'off' must be than the other word where it stands: a guessed one when the free transcript had neither, and one Whisper wrote itself (below it the command is asked back, not carried out); 0: not checked",
      ),
    guided_min_name_margin: z
      .number()
      .min(0)
      .default(GUIDED_DEFAULTS.minNameMargin)
      .describe(
        "How far ahead (log-probability per token) of the next sentence a guess must be when it names a device Whisper heard only part of and the part heard fits another device too ('room light': the bedroom's or the living room's); below it the guess is asked back; 0: not checked",
      ),
    guided_min_last_word_lead: z
      .number()
      .min(0)
      .default(GUIDED_DEFAULTS.minLastWordLead)
      .describe(
        "How much likelier (log-probability) an understood transcript's last word must be than the sentence ending before it, when the sentence needs that word ('turn on the' completed as 'turn on the lights'); 0: not checked",
      ),
    guided_ask_min_score: z
      .number()
      .max(0)
      .nullable()
      .default(GUIDED_DEFAULTS.askMinScore)
      .describe(
        "A guided sentence refused only for being unsure, scoring at least this much, is asked back ('did you mean ...? say yes') instead of 'sorry'; null: never asked",
      ),
    guided_per_word: z
      .number()
      .int()
      .min(0)
      .max(16)
      .default(GUIDED_DEFAULTS.perWord)
      .describe("Guided hypotheses kept per step that start with the same two command words; 0: no cap"),
    guided_prompt: z
      .string()
      .max(200)
      .default(GUIDED_DEFAULTS.prompt)
      .describe(
        "Words read after the device names before the guided searches, so Whisper expects a command's first word; lock and unlock are left out (listed, Whisper heard 'lock' in unlocks). Empty: none, and guided_min_score -1.4 was the measured bar",
      ),
    guided_rescue_beam: z
      .number()
      .int()
      .min(0)
      .max(16)
      .default(GUIDED_DEFAULTS.rescueBeam)
      .describe(
        "When the guided sentence is refused, a second search this wide through the commands alone (no fillers), ending only in sentences that keep a word Whisper heard (8 was the default until 2026-12-04: a few more commands right, a wrong one more often than the first search, ~0.3 s longer to say sorry); 0: none",
      ),
    lead_in_seconds: seconds(0, 2)
      .default(0.4)
      .describe("Silence put before the audio: Whisper misses first words that start at the first sample"),
  },
  "Speech to text (Whisper on onnxruntime-node)",
);
