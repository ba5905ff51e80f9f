/** The device fields the vocabulary prompt uses (config devices and registry entries both have them). */
export interface PromptDevice {
  name: string;
  aliases?: readonly string[];
  area?: string | null;
}

/**
 * Whisper's previous-text prompt for vocabulary biasing: "kitchen light, living room lamp,
 * kitchen, living room." plus the user's stt.initial_prompt. Whisper continues the style
 * of its prompt, so the style was chosen by measurement (whisper-tiny, espeak-ng speech):
 *   - 23 wake-word runs of "hey jarvis, turn on the kitchen light" from the soak audio:
 *     plain list 23/23 right; "Devices: ... Rooms: ..." 17/23 (it answered "kitchen light."
 *     six times, a device name with no verb: Whisper continued the prompt's list); none 20/23.
 *   - the 7 command fixtures: the plain list as good as or better than "Devices: ...".
 *   - silence and pink noise: empty with the plain list.
 *   - never a prompt made of commands ("Turn on the kitchen light."): on silence and noise
 *     Whisper then says "Turn off the lights in the kitchen.", a command nobody gave.
 * The extra text goes last: when the prompt is too long, the transcriber keeps its end.
 */
export function vocabularyPrompt(devices: readonly PromptDevice[], extra = ""): string {
  const names = unique(devices.flatMap((d) => [d.name, ...(d.aliases ?? [])]));
  const areas = unique(devices.map((d) => d.area ?? ""));
  const words = [...names, ...areas];
  const parts: string[] = [];
  if (words.length > 0) parts.push(`${words.join(", ")}.`);
  if (extra.trim()) parts.push(extra.trim());
  return parts.join(" ");
}

function unique(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    const trimmed = value.trim();
    const key = trimmed.toLowerCase();
    if (trimmed && !seen.has(key)) {
      seen.add(key);
      out.push(trimmed);
    }
  }
  return out;
}
