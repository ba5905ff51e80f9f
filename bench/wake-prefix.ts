// Could the wake phrase heard again at the start of the command audio ("Hey Jarvis, turn on
// ...") cost one decoder call instead of one per token? A question for a later change, not a
// feature: the phrase's tokens are put in the prompted first call (the only call of the merged
// decoder that is causal over several tokens), kept while each is the greedy choice at its
// row, and decoding goes on from there. Against today's greedy decoding (the peer) on the same
// encoder output: same tokens or not, average log-probability, decoder time. The int8 decoder
// quantizes activations per call, so added rows may move every row's numbers: that is what
// this measures. Clips: the e2e WAVs and whatever hearing clips bench/hearing.ts has made.
//
//   nice -n 10 npx tsx bench/wake-prefix.ts

import { readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { int16ToFloat32 } from "../src/audio/format.js";
import { readWav16kMono } from "../src/audio/wav.js";
import { configSchema } from "../src/config/schema.js";
import { ModelStore } from "../src/models/store.js";
import { type DecoderSteps, greedyDecode, promptedSequence } from "../src/stt/decode.js";
import { argmaxAllowed, logitsRow, logSumExp } from "../src/stt/logits.js";
import { LogMelSpectrogram } from "../src/stt/mel.js";
import { readWhisperJson, whisperSpec } from "../src/stt/model-spec.js";
import { pickOnnxFiles, WhisperSessions } from "../src/stt/onnx-whisper.js";
import { repetitionCut } from "../src/stt/quality.js";
import { WhisperTokenizer } from "../src/stt/tokenizer.js";
import { firstFrames, withLeadIn } from "../src/stt/windows.js";
import { FIXTURE_HOME_PROMPT } from "../test/integration/stt-support.js";

const PHRASE = " Hey Jarvis,";
const config = configSchema.parse({});
const store = new ModelStore({ modelsDir: "models", cacheFile: null });
const { paths } = await store.verify(config.stt.model);
const spec = whisperSpec(readWhisperJson(paths, config.stt.model));
const tokenizer = WhisperTokenizer.fromFiles(
  paths["tokenizer.json"] as string,
  paths["tokenizer_config.json"],
);
const { samplingRate, nbMaxFrames, featureSize } = spec.mel;
const sessions = await WhisperSessions.load(pickOnnxFiles(paths, config.stt.model), {
  threads: config.stt.threads,
  decoderThreads: config.stt.decoder_threads,
  shape: { heads: spec.decoderHeads, headDim: spec.headDim },
  positions: nbMaxFrames / 2,
  outputLayer: "blocks",
  preparedDir: null,
});
const promptTokens = tokenizer.promptTokens(`Hey Jarvis, ${FIXTURE_HOME_PROMPT}`, 223);
const start = promptedSequence(spec, "en", promptTokens);
const forced = tokenizer.encode(PHRASE);

/** Greedy decoding with the phrase's tokens in the first call, kept while each is the greedy choice. */
async function withPrefix(decoder: DecoderSteps) {
  let out = await decoder.step([...start, ...forced]);
  const tokens: number[] = [];
  let sum = 0;
  for (const [j, token] of forced.entries()) {
    const row = logitsRow(out.logits, out.vocab, start.length - 1 + j);
    const extra = j === 0 ? spec.beginSuppressed : [];
    if (argmaxAllowed(row, spec.suppressed, extra) !== token) return { tokens, kept: j, avg: Number.NaN };
    sum += (row[token] as number) - logSumExp(row, spec.suppressed, extra);
    tokens.push(token);
  }
  // As greedyDecode goes on: the same budget and the same cut of a repetition loop.
  while (tokens.length < 64) {
    const row = logitsRow(out.logits, out.vocab, out.logits.length / out.vocab - 1);
    const next = argmaxAllowed(row, spec.suppressed, []);
    if (next < 0) break;
    sum += (row[next] as number) - logSumExp(row, spec.suppressed, []);
    if (next === spec.tokens.eot) break;
    tokens.push(next);
    const cut = repetitionCut(tokens);
    if (cut !== null) {
      tokens.length = cut;
      break;
    }
    if (tokens.length >= 64) break;
    out = await decoder.step([next]);
  }
  return { tokens, kept: forced.length, avg: sum / (tokens.length + 1) };
}

const hearing = "bench/out/hearing";
let clips = [
  "test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav",
  "test/fixtures/wav/e2e/hey-jarvis-kitchen-on-nopause.wav",
];
try {
  clips = [
    ...clips,
    ...readdirSync(hearing)
      .filter((f) => f.endsWith(".wav") && !f.startsWith("realtime"))
      .map((f) => path.join(hearing, f)),
  ];
} catch {}
console.log(
  `${clips.length} clips, forced ${JSON.stringify(PHRASE)} = ${forced.length} tokens, load ${os.loadavg()[0]?.toFixed(1)}`,
);
let same = 0;
let fullyKept = 0;
const times: Array<[number, number]> = [];
for (const clip of clips) {
  const audio = int16ToFloat32((await readWav16kMono(clip)).samples);
  const chunk = withLeadIn(audio, Math.round(config.stt.lead_in_seconds * samplingRate));
  const features = firstFrames(
    new LogMelSpectrogram(spec.mel).compute(chunk),
    featureSize,
    nbMaxFrames,
    nbMaxFrames,
  );
  const hidden = await sessions.encode(features, featureSize, nbMaxFrames);
  const t0 = performance.now();
  const peer = await greedyDecode(sessions.decoder(hidden), spec, {
    promptTokens,
    language: "en",
    maxTokens: 64,
  });
  const t1 = performance.now();
  const ours = await withPrefix(sessions.decoder(hidden));
  const t2 = performance.now();
  const equal = ours.kept === forced.length && ours.tokens.join() === peer.tokens.join();
  same += equal ? 1 : 0;
  fullyKept += ours.kept === forced.length ? 1 : 0;
  if (ours.kept === forced.length) times.push([t1 - t0, t2 - t1]);
  console.log(
    `${equal ? "same" : "DIFF"} kept ${ours.kept}/${forced.length} ${path.basename(clip)}: ${JSON.stringify(tokenizer.decode(peer.tokens).trim())} ${peer.avgLogprob.toFixed(4)}` +
      (equal
        ? ` / ${ours.avg.toFixed(4)}`
        : ` / ${JSON.stringify(tokenizer.decode(ours.tokens).trim())} ${ours.avg.toFixed(4)}`),
  );
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
console.log(
  `same tokens ${same}/${clips.length}; phrase kept whole ${fullyKept}/${clips.length}; decoder time where kept, median: ` +
    `peer ${med(times.map((t) => t[0])).toFixed(0)} ms, prefix ${med(times.map((t) => t[1])).toFixed(0)} ms (first call computes every row's logits)`,
);
await sessions.dispose();
