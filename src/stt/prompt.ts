/** The device fields the vocabulary prompt uses (config devices and registry entries both have them). */
export interface PromptDevice {
  name: string;
  aliases?: readonly string[];
  area?: string | null;
}

/**
 * Whisper's previous-text prompt for vocabulary biasing: "Devices: kitchen light, living
 * room lamp. Rooms: kitchen, living room." plus the user's stt.initial_prompt. Whisper
 * continues the style of its prompt, so the style was chosen by measurement (whisper-tiny,
 * 30 espeak-ng commands, word error rate; and what it says on silence and noise):
 *   no prompt 0.56;  "Devices: ... Rooms: ..." 0.43, " you" on silence and noise;
 *   names as sentences ("Kitchen light.") 0.54, drops verbs;
 *   a bare comma-separated list 0.71, answers with list items;
 *   commands ("Turn on the kitchen light.") 0.50, but says "Turn off the lights in the
 *   kitchen." on silence and noise: never give Whisper a prompt made of commands.
 * The extra text goes last: when the prompt is too long, the transcriber keeps its end.
 */
export function vocabularyPrompt(devices: readonly PromptDevice[], extra = ""): string {
  const names = unique(devices.flatMap((d) => [d.name, ...(d.aliases ?? [])]));
  const areas = unique(devices.map((d) => d.area ?? ""));
  const parts: string[] = [];
  if (names.length > 0) parts.push(`Devices: ${names.join(", ")}.`);
  if (areas.length > 0) parts.push(`Rooms: ${areas.join(", ")}.`);
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
