// Chooses the embedding verifier's own first stage (wake.verifier.every_chunk) on voices held out
// of fitting, as scripts/train-wake-verifier.ts chooses the candidate policy: the sixteen training
// voices in eight folds, each fold's clips read by a verifier fitted on the other fourteen (the
// shipped configuration), replayed whole through the daemon's CandidateTrigger with the shipped
// candidate policy and threshold, plus the verifier read on every chunk past a score floor. For
// each verifier threshold, score floor and floor window: held-out recall, false wakes in held-out
// near-miss and prose clips (at most MAX_FALSE_WAKES of the near-miss clips may wake, the
// training rule; since session 15 no held-out music clip may wake either), and false wakes in
// the noise clips (not held out: noise is fitted on in every fold; shown, not a rule). The best recall within the rule is printed; with --write (and the
// shipped configuration) it is written into the bundled weights as their `everyChunk`, with its
// held-out figures, and their sha256 pinned again. Run it after scripts/train-wake-verifier.ts.
// With --every the setting is fixed rather than chosen (session 13: the averaged net ships at the
// previous net's setting, not the rule's): its held-out figures are printed beside the rule's
// choice, it must still keep within the rule, and --write records it with --why (how it was
// fixed) and the rule's own choice, so the weights say truthfully where their setting came from.
//
//   nice -n 10 npx tsx scripts/choose-wake-every-chunk.ts [--config hidden:L2:jitter:hard:more:anchor...]
//     [--folds 0,1] [--more-eval] [--every threshold:floor:floorChunks:consecutive --why TEXT] [--hold N] [--write]
// (--hold N: each setting holds its wake up to N chunks while openWakeWord's score rises, session 24)
// (default: the shipped verifier's; hard > 0 fits on every-chunk negatives too, more: 1-3 on
// session 12's more babble, anchor: 1-3 on examples where the clean clip has the words, ExampleOptions;
// --folds: only those folds, a quick look; --more-eval: the figures include the more-babble clips)

import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { EveryChunkSettings } from "../src/wake/candidate-trigger.js";
import type { EmbeddingVerifierWeights } from "../src/wake/embedding-verifier.js";
import {
  type Config,
  cachedHeldOut,
  configText,
  FOLDS,
  heldOutSet,
  parseConfigs,
  WEIGHTS_FILE,
  writePinned,
} from "./wake-verifier-folds.js";
import { loadClips, type Policy, replay } from "./wake-verifier-replay.js";
import {
  describe,
  evaluate,
  MAX_FALSE_WAKES,
  type Outcome,
  operatingPoint,
  withinRule,
} from "./wake-verifier-rule.js";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    config: { type: "string" },
    write: { type: "boolean" },
    folds: { type: "string" },
    "more-eval": { type: "boolean" },
    every: { type: "string" },
    why: { type: "string" },
    hold: { type: "string" },
  },
});
/** --hold N: every setting holds its wakes N chunks while openWakeWord's score rises (EveryChunkSettings.holdChunks). */
const holdChunks = Number(values.hold ?? 0);
if (!(Number.isInteger(holdChunks) && holdChunks >= 0))
  throw new Error(`--hold ${values.hold}: expected 0 or more chunks`);

/** --every's threshold:floor:floorChunks:consecutive, checked as the weights' loader checks it. */
function parseEvery(text: string): EveryChunkSettings {
  const [threshold, scoreFloor, floorChunks, consecutive] = text.split(":").map(Number);
  const every = { threshold, scoreFloor, floorChunks, consecutive, holdChunks } as EveryChunkSettings;
  const ok =
    [threshold, scoreFloor].every((x) => x !== undefined && x >= 0 && x <= 1) &&
    [floorChunks, consecutive].every((x) => x !== undefined && Number.isInteger(x) && x >= 1);
  if (!ok)
    throw new Error(
      `--every ${text}: expected threshold:floor:floorChunks:consecutive, e.g. 0.998:0.001:4:3`,
    );
  return every;
}
const fixed = values.every ? parseEvery(values.every) : null;
if (values.write && fixed && !values.why)
  throw new Error("--write with --every needs --why: how the fixed setting was chosen, kept in the weights");
const dataDir = path.resolve(values.data ?? "bench/out/wake-train");
const allClips = loadClips(dataDir);
const folds = values.folds ? values.folds.split(",").map(Number) : FOLDS.map((_, f) => f);
const shipped = JSON.parse(readFileSync(WEIGHTS_FILE, "utf8")) as EmbeddingVerifierWeights;
const held = shipped.trainedOn.heldOutVoices as Policy;
const base: Policy = {
  candidateThreshold: held.candidateThreshold,
  chunks: held.chunks,
  afterChunks: held.afterChunks,
};
const { hidden, l2, jitter, hard, more, anchor, seed, members, music, oneBreath } = shipped.trainedOn;
// Weights without `oneBreath` were fitted before one-breath clips existed (session 23): breath 0.
const shippedConfig = configText(
  parseConfigs(
    `${hidden}:${l2}:${jitter}:${hard ?? 0}:${more ?? 0}:${anchor ?? 0}:${seed ?? 7}:${members ?? 1}:${music ?? 0}:${oneBreath ? 1 : 0}`,
  )[0] as Config,
);
const [config] = parseConfigs(values.config ?? shippedConfig);
if (!config) throw new Error("no configuration");
const started = performance.now();
const { data, p } = heldOutSet(
  allClips,
  cachedHeldOut(dataDir, allClips, config, folds),
  folds,
  values["more-eval"] === true,
);
// The candidate path's threshold for this configuration, chosen as training chooses it.
const peer = operatingPoint(data, p, base);
const candidateThreshold = peer.threshold;
console.log(
  `${data.clips.length} clips (folds ${folds.join(",")}${values["more-eval"] ? ", with more babble" : ""}); held-out probabilities in ${((performance.now() - started) / 1000).toFixed(0)} s; candidate policy ${JSON.stringify(base)}, threshold ${candidateThreshold}`,
);

/** False wakes in the noise clips (fitted on in every fold, so not held out). */
function noiseWakes(policy: Policy): number {
  let n = 0;
  data.clips.forEach((c, i) => {
    if (c.voice === "-") n += replay(c.scores, p[i] as Float32Array, policy, candidateThreshold).wakes.length;
  });
  return n;
}

const row = (name: string, o: Outcome, policy: Policy) =>
  console.log(
    `${name.padEnd(34)} ${describe(o)}; noise ${noiseWakes(policy)}; verifier read ${o.probesPerHour.toFixed(0)} chunks/h`,
  );
row("candidates only (peer)", peer, base);
if (shipped.everyChunk) {
  // The shipped weights' own settings, on this configuration's probabilities (for the shipped
  // configuration: what the daemon does now, on these clips).
  const policy = { ...base, every: shipped.everyChunk };
  row("shipped settings", evaluate(data, p, policy, shipped.threshold), policy);
}
const allowed = Math.floor(MAX_FALSE_WAKES * peer.nearMisses);
let best: { every: EveryChunkSettings; o: Outcome } | null = null;
for (const consecutive of [1, 2, 3])
  for (const floorChunks of [4, 8])
    for (const scoreFloor of [0.001, 0.002, 0.005, 0.01, 0.02])
      for (const threshold of [0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999]) {
        const every = { threshold, scoreFloor, floorChunks, consecutive, holdChunks };
        const policy = { ...base, every };
        const o = evaluate(data, p, policy, candidateThreshold);
        row(`every ${threshold} floor ${scoreFloor}/${floorChunks} x${consecutive}`, o, policy);
        if (withinRule(o, allowed) && (!best || o.hits > best.o.hits)) best = { every, o };
      }
console.log(
  best
    ? `chosen (at most ${allowed} false wakes, none in music): ${JSON.stringify(best.every)}; ${describe(best.o)}`
    : `nothing within ${allowed} false wakes and none in music`,
);
const rule = best;
if (fixed) {
  const o = evaluate(data, p, { ...base, every: fixed }, candidateThreshold);
  console.log(`fixed (--every): ${JSON.stringify(fixed)}; ${describe(o)}`);
  if (!withinRule(o, allowed)) {
    const why = `wakes on ${o.falseWakes} clips (the rule's ${allowed}) and ${o.musicWakes} times in music (none)`;
    if (values.write) throw new Error(`--every ${values.every} ${why}`);
    console.log(`  outside the rule: ${why}`);
  }
  best = { every: fixed, o };
}
if (values.write) {
  if (configText(config) !== shippedConfig || folds.length !== FOLDS.length)
    throw new Error(
      `--write needs the shipped configuration (${shippedConfig}) and every fold: those are the weights written`,
    );
  if (!best) throw new Error("nothing to write");
  const { o } = best;
  writePinned({
    ...shipped,
    everyChunk: best.every,
    trainedOn: {
      ...shipped.trainedOn,
      everyChunk: {
        script: "scripts/choose-wake-every-chunk.ts",
        recall: o.hits / o.positives,
        falseWakes: o.falseWakes,
        nearMissClips: o.nearMisses,
        peerRecall: peer.hits / peer.positives,
        peerFalseWakes: peer.falseWakes,
        musicWakes: o.musicWakes,
        musicMinutes: Math.round(o.musicMinutes),
        ...(fixed && rule
          ? {
              chosen: values.why,
              ruleChoice: {
                ...rule.every,
                recall: rule.o.hits / rule.o.positives,
                falseWakes: rule.o.falseWakes,
              },
            }
          : { chosen: `the highest held-out recall within ${allowed} near-miss false wakes` }),
      },
    },
  });
}
