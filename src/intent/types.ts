import type { RejectReason } from "../events/types.js";
import type { SentenceSpace } from "./sentence-space/space.js";

/** A Home Assistant-style intent about registry entities. */
export interface RecognizedIntent {
  /** `HassTurnOn`, `HassLightSet`, ... (Home Assistant's built-in names). */
  intent: string;
  /** Entity ids from the registry; never free text. */
  targets: string[];
  /** Home Assistant slot names: `brightness` (0-100), `color`, `temperature`, `hours`, `minutes`, `seconds`, `area`, `name`. */
  slots: Record<string, unknown>;
  source: "template" | "llm";
  /** 0..1. */
  confidence: number;
}

export type IntentDecision =
  | { kind: "execute"; intent: RecognizedIntent; ms: number }
  | {
      kind: "reject";
      reason: RejectReason;
      ms: number;
      intent?: RecognizedIntent;
      /** For `needs-confirmation`: how long the pipeline should listen for a "yes" without a wake word. */
      confirmWindowSeconds?: number;
      /** What to say to the person, e.g. "say yes to unlock the front door". */
      prompt?: string;
      /** For `needs-confirmation` of a guess (IntentContext.askBack): the sentence asked about. */
      guessed?: string;
      /** With `guessed`: the same request about the other devices what was heard fits, offered ("... or say turn on the living room light"). */
      alternatives?: string[];
      /** Why, for logs and `edge-voice intent` (e.g. "llm-timeout", "unknown entity x"); not a stable contract. */
      detail?: string;
    };

/**
 * Where the words came from: `voice` (said after the wake word, or in a follow-up window)
 * or `text` (MQTT set/text and anything else not heard from the microphone). Sensitive
 * actions are for voice only unless intent.allow_sensitive_from_text is on.
 */
export type IntentOrigin = "voice" | "text";

export interface IntentContext {
  runId: string;
  site: string;
  origin: IntentOrigin;
  /** The room the board is in (config `area`): "the lights" without a name or room means its lights. */
  area?: string | null;
  /** Seconds on the pipeline's audio clock; confirmation windows are measured on it. */
  nowSeconds: number;
  /**
   * Seconds on a monotonic wall clock (performance.now() / 1000 in the pipeline): windows end
   * on it too, so stalled audio cannot hold a confirmation open.
   */
  wallSeconds: number;
  /** Aborted when the run is (shutdown, SIGHUP, its time limit): the stage stops its work. */
  signal?: AbortSignal;
  /** The intent the site's previous run carried out, for "it" and "too" in this one (conversation context). */
  previous?: PreviousIntent;
  /**
   * A sentence of the home that speech to text guessed but would not act on (stt/ask-back.ts):
   * when nothing else in `text` is understood, the person is asked "did you mean ...?".
   */
  askBack?: string;
  /** With `askBack`: the other device names what was heard fits as well, said in the question. */
  otherNames?: string[];
  /** With `askBack`: other whole requests what was heard may be ("turn on the fan" for a doubted "off"), said in the question. */
  otherRequests?: string[];
  /**
   * Whether carrying an intent out now would do anything (the board's skills know: "pause the
   * timer" with no timer running would not). A guess that would not is never asked back.
   */
  wouldAct?: (intent: RecognizedIntent) => boolean;
}

/** An intent a run carried out (published, answered or recognized), as the pipeline keeps it for the next run. */
export interface PreviousIntent {
  runId: string;
  intent: RecognizedIntent;
  /** When it was carried out, on IntentContext's wall clock (seconds): the next run decides whether it is still fresh. */
  wallSeconds: number;
}

/** Text -> decision: templates first, then the LLM, then the safety policy. */
export interface IntentHandler {
  handle(text: string, context: IntentContext): Promise<IntentDecision>;
  /**
   * The home's sentences for grammar-guided speech to text (it fits stt/guide.ts's
   * TranscriptGuide); null or absent when there are no templates to guide by.
   */
  transcriptGuide?(): SentenceSpace | null;
  /** Idempotent. */
  dispose(): Promise<void>;
}
