import type { TranscribeOptions } from "../stt/transcriber.js";

/**
 * The command audio usually starts with the wake phrase (pre-roll.ts), so Whisper hears
 * "Hey Jarvis. Turn on the light." (or, from a shorter pre-roll, "Jarvis, turn on the light").
 * The wake phrase is not part of the command: drop its words from the start of the transcript.
 */
export function stripWakePhrase(text: string, wakeWord: string | undefined): string {
  if (!wakeWord) return text;
  const phrase = wakePhraseWords(wakeWord);
  if (phrase.length === 0) return text;
  const alternatives = phrase.map((_, i) => phrase.slice(i).map(escapeRegExp).join("[\\s,.!?-]+"));
  const pattern = new RegExp(`^\\s*(?:${alternatives.join("|")})(?![a-z])[\\s,.!?-]*`, "i");
  const stripped = text.replace(pattern, "").trim();
  if (stripped !== text.trim() || phrase.length < 2) return stripped;
  // Whisper often mishears the first word ("Here Jarvis,"): one word before the phrase's last
  // word, at the very start, is taken as the phrase too.
  const last = escapeRegExp(phrase[phrase.length - 1] as string);
  const loose = new RegExp(`^\\s*[\\w']+[\\s,.!?-]+${last}(?![a-z])[\\s,.!?-]*`, "i");
  return text.replace(loose, "").trim();
}

/**
 * The wake word's model id as the words people say: `hey_jarvis_v0.1` -> "Hey Jarvis"; a
 * Porcupine keyword's name, built in or a file's: `jarvis` -> "Jarvis", `hey-robot_en_linux_v3_0_0` -> "Hey Robot".
 */
export function spokenWakePhrase(wakeWord: string): string | null {
  const words = wakePhraseWords(wakeWord).map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return words.length > 0 ? words.join(" ") : null;
}

/**
 * Whisper's prompt is the text said before the audio: the wake phrase named (with a comma:
 * after "Hey Jarvis." it sometimes stopped) makes it hear "Hey Jarvis, turn on ...". When it
 * goes on with the device list ("Hey Jarvis, kitchen light,"), it reads the audio again after
 * the list alone, as though it had written the phrase (TranscribeOptions.retry). `wakePhrase`:
 * spokenWakePhrase's, or null when the audio does not start with it.
 */
export function whisperPrompt(
  wakePhrase: string | null,
  vocabulary: string,
): Pick<TranscribeOptions, "prompt" | "retry"> {
  const phrase = wakePhrase ? `${wakePhrase},` : "";
  if (!phrase || !vocabulary) return { prompt: [phrase, vocabulary].filter(Boolean).join(" ") };
  return { prompt: `${phrase} ${vocabulary}`, retry: { prompt: vocabulary, prefix: phrase } };
}

function wakePhraseWords(wakeWord: string): string[] {
  return (
    wakeWord
      .toLowerCase()
      // A Porcupine keyword file's name: "hey-robot_en_linux_v3_0_0" is "hey robot".
      .replace(/_[a-z]{2}_[a-z0-9-]+_v\d[\d_]*$/, "")
      .replace(/_v\d.*$/, "")
      .split(/[_\s-]+/)
      .filter(Boolean)
  );
}

function escapeRegExp(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
