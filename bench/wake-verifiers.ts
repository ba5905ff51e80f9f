// The embedding verifiers bench/wake-noise.ts compares, each checked to be held out: none of the
// voices it was trained on may be one of the benchmark's, nor its training music (session 15) drawn
// from a seed this set's music is drawn from.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { VOICES } from "../scripts/make-hearing-fixtures.js";
import { BABBLE_VOICES } from "../scripts/make-wake-fixtures.js";
import { checkMusicHeldOut } from "../scripts/wake-music.js";
import { EmbeddingVerifier, type EmbeddingVerifierWeights } from "../src/wake/embedding-verifier.js";

export interface Loaded {
  name: string;
  verifier: EmbeddingVerifier;
  sha256: string;
  /** The voices it was trained on (its weights' trainedOn.voices). */
  voices: string[];
}

/**
 * The verifier in `file` (null when there is none); throws when a bench voice was in its training,
 * or its training music shares a seed with the set's (`benchMusic`: its --music-seed seeds).
 */
export function loadVerifier(
  name: string,
  file: string,
  benchVoices: readonly string[],
  benchMusic: readonly number[] = [],
): Loaded | null {
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  const weights = JSON.parse(bytes.toString("utf8")) as EmbeddingVerifierWeights;
  const verifier = EmbeddingVerifier.fromWeights(weights);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const voices = (weights.trainedOn.voices as string[] | undefined) ?? [];
  console.log(
    `${name}: ${file} (sha256 ${sha256.slice(0, 12)}, threshold ${verifier.threshold}, ${verifier.chunks} chunk(s))`,
  );
  console.log(`  trained on: ${voices.join(", ")}`);
  const seen = benchVoices.filter((v) => voices.includes(v));
  if (seen.length) throw new Error(`not held out: ${seen.join(", ")} were in training`);
  // Session 12's more babble: its talkers may not be the benchmark's voices or babble voices.
  const talkers = ((weights.trainedOn.moreBabble as string[][] | undefined) ?? []).flat();
  const heard = talkers.filter((t) => BABBLE_VOICES.includes(t) || VOICES.some((v) => v.voice === t));
  if (heard.length) throw new Error(`not held out: ${heard.join(", ")} talked in training babble`);
  if (talkers.length) console.log(`  training babble talkers: ${talkers.join(", ")}`);
  const music = (weights.trainedOn.musicSeeds as number[] | undefined) ?? [];
  checkMusicHeldOut(music, benchMusic);
  if (music.length) console.log(`  training music seeds: ${music.join(", ")}`);
  return { name, verifier, sha256, voices };
}
