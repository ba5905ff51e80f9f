/**
 * The command audio starts a little before the wake word fired (pre-roll), so when a
 * person says "hey jarvis turn on the light" without a pause Whisper may hear
 * "Jarvis, turn on the light." The wake phrase is not part of the command: drop its
 * words from the start of the transcript.
 */
export function stripWakePhrase(text: string, wakeWord: string | undefined): string {
  if (!wakeWord) return text;
  const phrase = wakeWord
    .toLowerCase()
    .replace(/_v\d.*$/, "")
    .split(/[_\s-]+/)
    .filter(Boolean);
  if (phrase.length === 0) return text;
  const alternatives = phrase.map((_, i) => phrase.slice(i).map(escapeRegExp).join("[\\s,.!?-]+"));
  const pattern = new RegExp(`^\\s*(?:${alternatives.join("|")})(?![a-z])[\\s,.!?-]*`, "i");
  return text.replace(pattern, "").trim();
}

function escapeRegExp(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
