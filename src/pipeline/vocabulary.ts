import type { Device } from "../intent/registry.js";

/**
 * Whisper's initial prompt biases it toward words it has "just seen": listing the
 * registry's device names, aliases and areas makes "living room lamp" beat "living room
 * lamb". Whisper reads at most ~224 prompt tokens, so the list is capped.
 */
export function vocabularyPrompt(devices: readonly Device[], extra: string, maxChars = 600): string {
  const words = new Set<string>();
  for (const device of devices) {
    words.add(device.name);
    for (const alias of device.aliases) words.add(alias);
    if (device.area) words.add(device.area);
  }
  const list = [...words].map((w) => w.trim()).filter(Boolean);
  let prompt = extra.trim();
  for (const word of list) {
    const next = prompt ? `${prompt}, ${word}` : word;
    if (next.length > maxChars) break;
    prompt = next;
  }
  return prompt ? `${prompt}.` : "";
}
