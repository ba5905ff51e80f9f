import { readWav16kMono } from "../../src/audio/wav.js";
import { prng } from "./prng.js";

const RATE = 16000;

// Re-exported for the rooms tests and benches that have always taken it from here.
export { prng };

export function silence(seconds: number): Int16Array {
  return new Int16Array(Math.round(seconds * RATE));
}

export function whiteNoise(seconds: number, amplitude: number, random: () => number): Int16Array {
  const out = new Int16Array(Math.round(seconds * RATE));
  for (let i = 0; i < out.length; i++) out[i] = Math.round((random() * 2 - 1) * amplitude);
  return out;
}

/** Pink noise (Paul Kellet's economy filter over white noise). */
export function pinkNoise(seconds: number, amplitude: number, random: () => number): Int16Array {
  const out = new Int16Array(Math.round(seconds * RATE));
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < out.length; i++) {
    const white = random() * 2 - 1;
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    out[i] = Math.max(
      -32768,
      Math.min(32767, Math.round((b0 + b1 + b2 + white * 0.1848) * amplitude * 0.25)),
    );
  }
  return out;
}

export interface MixedAudio {
  samples: Int16Array;
  /** How many wake-word commands it holds. */
  commands: number;
}

/**
 * About `seconds` of mixed audio: wake-word commands, commands without the wake word,
 * sentences with "jarvis" in them, silence, white and pink noise, in a seeded order.
 */
export async function mixedAudio(seconds: number, fixtures: string, seed = 7): Promise<MixedAudio> {
  const random = prng(seed);
  const load = async (file: string) => (await readWav16kMono(`${fixtures}/${file}`)).samples;
  const wakeCommands = [
    await load("e2e/hey-jarvis-kitchen-on.wav"),
    await load("e2e/hey-jarvis-kitchen-on-nopause.wav"),
  ];
  const speech = [
    await load("commands/turn-on-kitchen-light.wav"),
    await load("commands/thermostat-twenty-one.wav"),
    await load("negative/what-time-is-it.wav"),
    await load("negative/weather-sentence.wav"),
  ];
  const parts: Int16Array[] = [];
  let total = 0;
  let commands = 0;
  const push = (part: Int16Array) => {
    parts.push(part);
    total += part.length;
  };
  while (total < seconds * RATE) {
    const pick = random();
    if (pick < 0.3) {
      push(wakeCommands[commands % 2] as Int16Array);
      commands++;
      push(silence(6)); // room for the run to end before anything else is said
    } else if (pick < 0.55) push(speech[Math.floor(random() * speech.length)] as Int16Array);
    else if (pick < 0.75) push(silence(2 + random() * 8));
    else if (pick < 0.87) push(whiteNoise(3 + random() * 5, 300 + random() * 1500, random));
    else push(pinkNoise(3 + random() * 5, 500 + random() * 3000, random));
    push(silence(1));
  }
  const samples = new Int16Array(total);
  let offset = 0;
  for (const part of parts) {
    samples.set(part, offset);
    offset += part.length;
  }
  return { samples, commands };
}
