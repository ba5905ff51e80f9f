// openWakeWord's hey_jarvis over the wake benchmark's files (bench/wake-noise.ts): every 80 ms
// chunk's score and, per embedding verifier, its probability for the 16 embeddings ending at
// that chunk (what a candidate there would carry). Kept in bench/out/wake/scores.json between
// runs while the file and the verifiers are unchanged.

import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openScoringDetector } from "../scripts/wake-verifier-data.js";
import { FRAME_SAMPLES } from "../src/audio/format.js";
import { readWav16kMono } from "../src/audio/wav.js";
import type { ModelStore } from "../src/models/store.js";
import type { EmbeddingVerifier } from "../src/wake/embedding-verifier.js";
import { CANDIDATE_FRAMES } from "../src/wake/openwakeword.js";

export interface ChunkScore {
  endSample: number;
  score: number;
  /** Each embedding verifier's probability at this chunk, in the order they were given. */
  embedding: number[];
}

export interface Scored {
  file: string;
  samples: Int16Array;
  scores: ChunkScore[];
}

type Kept = Record<string, { mtimeMs: number; verifier: string; scores: ChunkScore[] }>;

/** Scores every file; `verifierId` names the verifiers' bytes (their sha256s). */
export async function scoreAll(
  dir: string,
  files: string[],
  store: ModelStore,
  verifiers: readonly EmbeddingVerifier[],
  verifierId: string,
): Promise<{ scored: Scored[]; verifierMs: number[] }> {
  const keptFile = path.join(dir, "scores.json");
  const kept: Kept = existsSync(keptFile) ? (JSON.parse(readFileSync(keptFile, "utf8")) as Kept) : {};
  const wake = await openScoringDetector(store);
  const scored: Scored[] = [];
  const verifierMs: number[] = [];
  for (const file of files) {
    const { samples } = await readWav16kMono(path.join(dir, file));
    const mtimeMs = statSync(path.join(dir, file)).mtimeMs;
    const known = kept[file];
    if (known?.mtimeMs === mtimeMs && known.verifier === verifierId) {
      scored.push({ file, samples, scores: known.scores });
      continue;
    }
    const scores: ChunkScore[] = [];
    wake.onScores = (s) => {
      const chunk: ChunkScore = { endSample: s.endSample, score: s.scores.hey_jarvis ?? 0, embedding: [] };
      const window = wake.recentEmbeddings(CANDIDATE_FRAMES);
      for (const verifier of window ? verifiers : []) {
        const started = performance.now();
        chunk.embedding.push(verifier.score(window as Float32Array));
        verifierMs.push(performance.now() - started);
      }
      scores.push(chunk);
    };
    wake.reset();
    for (let i = 0; i < samples.length; i += FRAME_SAMPLES) {
      await wake.process({ samples: samples.subarray(i, i + FRAME_SAMPLES), startSample: i });
    }
    scored.push({ file, samples, scores });
    kept[file] = { mtimeMs, verifier: verifierId, scores };
  }
  await wake.dispose();
  writeFileSync(keptFile, JSON.stringify(kept));
  return { scored, verifierMs };
}
