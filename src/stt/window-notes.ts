import type { Logger } from "../util/logger.js";
import type { WindowDecodeResult } from "./decode.js";
import type { DropReason } from "./quality.js";

/**
 * What the debug log says of one decoded window: why its text was thrown away, a loop cut,
 * the token budget reached (stt.max_tokens). Kept apart from the transcriber's flow.
 */
export function logWindowNotes(
  logger: Logger,
  decoded: WindowDecodeResult,
  raw: string,
  dropped: DropReason | null,
  maxTokens: number,
): void {
  if (dropped) {
    logger.debug(
      {
        dropped,
        text: raw,
        noSpeechProb: rounded(decoded.noSpeechProb),
        avgLogprob: rounded(decoded.avgLogprob),
      },
      "dropped Whisper output",
    );
  }
  if (decoded.loopCut) logger.debug("cut a repetition loop");
  if (decoded.budgetHit) logger.debug({ maxTokens }, "stopped at the token budget (stt.max_tokens)");
}

/** Three decimals, for log lines. */
export function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}
