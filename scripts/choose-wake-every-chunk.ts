// Chooses the embedding verifier's own first stage (wake.verifier.every_chunk) on voices held out
// of fitting, as scripts/train-wake-verifier.ts chooses the candidate policy: the sixteen training
// voices in eight folds, each fold's clips read by a verifier fitted on the other fourteen (the
// shipped configuration), replayed whole through the daemon's CandidateTrigger with the shipped
// candidate policy and threshold, plus the verifier read on every chunk past a score floor. For
// each verifier threshold, score floor and floor window: held-out recall, false wakes in held-out
// near-miss and prose clips (at most MAX_FALSE_WAKES of the near-miss clips may wake, the
// training rule), and false wakes in the noise clips (not held out: noise is fitted on in every
// fold; shown, not a rule). The best recall within the rule is printed; nothing is written.
//
//   nice -n 10 npx tsx scripts/choose-wake-every-chunk.ts [--config 8:0.001:2]

import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { EveryChunkSettings } from "../src/wake/candidate-trigger.js";
import type { EmbeddingVerifierWeights } from "../src/wake/embedding-verifier.js";
import { describe, evaluate, heldOut, type Outcome, parseConfigs } from "./wake-verifier-folds.js";
import { loadClips, type Policy, replay } from "./wake-verifier-replay.js";

const MAX_FALSE_WAKES = 0.0025;
const { values } = parseArgs({ options: { data: { type: "string" }, config: { type: "string" } } });
const data = loadClips(path.resolve(values.data ?? "bench/out/wake-train"));
const shipped = JSON.parse(
  readFileSync("assets/wake-verifier/hey_jarvis.json", "utf8"),
) as EmbeddingVerifierWeights;
const held = shipped.trainedOn.heldOutVoices as Policy & { threshold: number };
const base: Policy = {
  candidateThreshold: held.candidateThreshold,
  chunks: held.chunks,
  afterChunks: held.afterChunks,
};
const [config] = parseConfigs(
  values.config ?? `${shipped.trainedOn.hidden}:${shipped.trainedOn.l2}:${shipped.trainedOn.jitter}`,
);
if (!config) throw new Error("no configuration");
const started = performance.now();
const p = heldOut(data, config);
console.log(
  `${data.clips.length} clips; held-out probabilities in ${((performance.now() - started) / 1000).toFixed(0)} s; shipped policy ${JSON.stringify(base)}, threshold ${held.threshold}`,
);

/** False wakes in the noise clips (fitted on in every fold, so not held out). */
function noiseWakes(policy: Policy): number {
  let n = 0;
  data.clips.forEach((c, i) => {
    if (c.voice === "-") n += replay(c.scores, p[i] as Float32Array, policy, held.threshold).wakes.length;
  });
  return n;
}

const row = (name: string, o: Outcome, policy: Policy) =>
  console.log(
    `${name.padEnd(34)} ${describe(o)}; noise ${noiseWakes(policy)}; verifier read ${o.probesPerHour.toFixed(0)} chunks/h`,
  );
const peer = evaluate(data, p, base, held.threshold);
row("shipped (peer)", peer, base);
const allowed = Math.floor(MAX_FALSE_WAKES * peer.nearMisses);
let best: { every: EveryChunkSettings; o: Outcome } | null = null;
for (const floorChunks of [4, 8])
  for (const scoreFloor of [0.001, 0.002, 0.005, 0.01, 0.02])
    for (const threshold of [0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999]) {
      const every = { threshold, scoreFloor, floorChunks };
      const policy = { ...base, every };
      const o = evaluate(data, p, policy, held.threshold);
      row(`every ${threshold} floor ${scoreFloor}/${floorChunks}`, o, policy);
      if (o.falseWakes <= allowed && (!best || o.hits > best.o.hits)) best = { every, o };
    }
console.log(
  best
    ? `chosen (at most ${allowed} false wakes): ${JSON.stringify(best.every)}; ${describe(best.o)}`
    : `nothing within ${allowed} false wakes`,
);
