// Session 12's more babble for the embedding verifier's training clips
// (scripts/wake-verifier-data.ts --more-babble): other babble tracks than the first, of 3 to 8
// talkers, mixed at SNRs spread over 0-12 dB, none of it the benchmark's (checkBabbleHeldOut).

import { VOICES } from "./make-hearing-fixtures.js";
import { BABBLE_VOICES, BENCH_PROSE, mixAt } from "./make-wake-fixtures.js";

/** Which track a clip was mixed with, how many talk in it, at what SNR. */
export interface BabbleMix {
  track: number;
  talkers: number;
  snrDb: number;
}

/**
 * Session 12's babble tracks (`--more-babble`), beside the first one (five talkers, main()): 3,
 * 4, 6 and 8 talkers, each reading the training prose from its own word (`from`). No talker is a
 * training voice, one of the benchmark's seven or one of its babble voices, and none has the
 * benchmark's held-out accents (en-029, en-us-nyc); some are other languages' voices reading
 * English, as a room of visitors or a foreign film would sound.
 */
export const MORE_BABBLES = [
  { voices: ["en-gb-x-gbclan+m3", "en-us+Annie", "en-gb-x-rp+Andy"], from: 400 },
  { voices: ["en-gb+klatt", "en-us+klatt3", "en-gb-scotland+f2", "en-gb-x-gbcwmd+f4"], from: 800 },
  { voices: ["en-us+m8", "en-gb+Alex", "de", "fr", "en-gb+grandma", "en-us+aunty"], from: 1200 },
  {
    voices: [
      "es+f2",
      "hi",
      "nl+m4",
      "en-gb-x-rp+m8",
      "en-gb-x-gbclan+f1",
      "en-us+quincy",
      "en-gb+steph",
      "pl",
    ],
    from: 1600,
  },
];
/**
 * Throws when a babble talker or prose file of training is one the benchmark holds out (or a
 * talker is a training voice, `trainVoices`: babble and speaker stay apart in the folds too).
 */
export function checkBabbleHeldOut(trainVoices: readonly string[], trainProse: readonly string[]): void {
  const talkers = MORE_BABBLES.flatMap((b) => b.voices);
  const clash = notHeldOut(talkers, trainVoices);
  const prose = trainProse.filter((f) => BENCH_PROSE.includes(f));
  if (clash.length || prose.length || new Set(talkers).size !== talkers.length)
    throw new Error(`babble not held out: ${[...clash, ...prose].join(", ") || "a talker twice"}`);
}

/**
 * The voices among `names` the benchmark holds out: its speakers, its babble talkers, an
 * accent no training voice has (en-029, en-us-nyc), or one of `alsoTaken`.
 */
export function notHeldOut(names: readonly string[], alsoTaken: readonly string[]): string[] {
  const taken = new Set([...VOICES.map((v) => v.voice), ...BABBLE_VOICES, ...alsoTaken]);
  return names.filter((n) => taken.has(n) || /^en-(029|us-nyc)/.test(n));
}

/** The SNRs (dB) more babble is mixed at, spread over 0-12 dB. */
const MORE_SNRS = [0, 1.5, 3, 4.5, 6, 7.5, 9, 10.5, 12];
/** Mixes of more babble per wake clip and per near-miss. */
const MORE_MIXES = 3;

/** MORE_MIXES mixes of a clean clip with the tracks (`more`, MORE_BABBLES built), seeded. */
export function moreBabbleMixes(
  clean: Int16Array,
  seed: number,
  more: Float64Array[],
): Array<{ condition: string; samples: Int16Array; mix: BabbleMix }> {
  return Array.from({ length: MORE_MIXES }, (_, k) => {
    const track = (seed + k) % more.length;
    const snrDb = MORE_SNRS[(seed * 7 + k * 4) % MORE_SNRS.length] as number;
    const band = snrDb < 4 ? "0-4" : snrDb < 8 ? "4-8" : "8-12";
    const noise = more[track] as Float64Array;
    return {
      condition: `xbabble${band}`,
      samples: mixAt(clean, noise, snrDb, (seed * 104_729 + k * 7919) % noise.length),
      mix: { track, talkers: MORE_BABBLES[track]?.voices.length ?? 0, snrDb },
    };
  });
}
