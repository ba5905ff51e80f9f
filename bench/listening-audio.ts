// The audio both listening benchmarks run on (bench/wake.ts, bench/vad.ts): every wake-word
// fixture, each followed by other speech (negatives, commands), plus pink noise, a tone sweep
// and silence, repeated to more than 60 s.
import { readdirSync } from "node:fs";
import { SAMPLE_RATE } from "../src/audio/format.js";
import {
  concatSamples,
  pinkNoise,
  readWav,
  silence,
  speechEnd,
  toneSweep,
} from "../test/integration/listening-helpers.js";

const WAV = "test/fixtures/wav";

/** The benchmark audio, and where each wake word ends in it (samples). */
export function benchAudio(): { samples: Int16Array; wakeEnds: number[] } {
  const positives = readdirSync(`${WAV}/wake`).map((f) => readWav(`${WAV}/wake/${f}`));
  const others = ["negative", "commands"].flatMap((dir) =>
    readdirSync(`${WAV}/${dir}`).map((f) => readWav(`${WAV}/${dir}/${f}`)),
  );
  const parts: Int16Array[] = [silence(1)];
  const wakeEnds: number[] = [];
  let at = parts[0]?.length ?? 0;
  const add = (p: Int16Array) => {
    parts.push(p);
    at += p.length;
  };
  for (let round = 0; at < 64 * SAMPLE_RATE; round++) {
    for (const [i, clip] of positives.entries()) {
      wakeEnds.push(at + speechEnd(clip));
      add(clip);
      add(silence(1));
      add(others[(round * positives.length + i) % others.length] as Int16Array);
      add(silence(0.7));
    }
    add(pinkNoise(3, 9000, round + 3));
    add(toneSweep(2, 150, 3500, 9000));
    add(silence(2));
  }
  return { samples: concatSamples(...parts), wakeEnds };
}
