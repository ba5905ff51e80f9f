// openWakeWord's hey_jarvis over the wake benchmark's files (bench/wake-noise.ts): every 80 ms
// chunk's score and, per embedding verifier, its probability for the 16 embeddings ending at
// that chunk (what a candidate there would carry). The scores and every chunk's embedding are
// kept in bench/out/wake/scores.json and scores/*.f32 while the file is unchanged, so another
// verifier costs seconds, not another pass of openWakeWord.

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openScoringDetector } from "../scripts/wake-verifier-data.js";
import { FRAME_SAMPLES } from "../src/audio/format.js";
import { readWav16kMono } from "../src/audio/wav.js";
import type { ModelStore } from "../src/models/store.js";
import { EMBEDDING_DIM } from "../src/wake/embedding-stream.js";
import type { EmbeddingVerifier } from "../src/wake/embedding-verifier.js";
import { CANDIDATE_FRAMES, type OpenWakeWordDetector } from "../src/wake/openwakeword.js";

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

type Kept = Record<string, { mtimeMs: number; scores: { endSample: number; score: number }[] }>;

/** Scores every file; `verifierId` is unused (the embeddings are kept, not the probabilities). */
export async function scoreAll(
  dir: string,
  files: string[],
  store: ModelStore,
  verifiers: readonly EmbeddingVerifier[],
  _verifierId: string,
): Promise<{ scored: Scored[]; verifierMs: number[][] }> {
  const keptFile = path.join(dir, "scores.json");
  const rowsDir = path.join(dir, "scores");
  mkdirSync(rowsDir, { recursive: true });
  const kept: Kept = existsSync(keptFile) ? (JSON.parse(readFileSync(keptFile, "utf8")) as Kept) : {};
  let wake: OpenWakeWordDetector | null = null;
  const scored: Scored[] = [];
  // Per verifier, in the order given: nets of different sizes are timed apart, not mixed.
  const verifierMs: number[][] = verifiers.map(() => []);
  for (const file of files) {
    const { samples } = await readWav16kMono(path.join(dir, file));
    const mtimeMs = statSync(path.join(dir, file)).mtimeMs;
    const rowsFile = path.join(rowsDir, `${file}.f32`);
    let known = kept[file];
    if (known?.mtimeMs !== mtimeMs || !existsSync(rowsFile)) {
      wake ??= await openScoringDetector(store);
      const detector = wake;
      const chunks: { endSample: number; score: number }[] = [];
      detector.reset();
      const rows: Float32Array[] = [detector.recentEmbeddings(CANDIDATE_FRAMES) as Float32Array];
      detector.onScores = (s) => {
        chunks.push({ endSample: s.endSample, score: s.scores.hey_jarvis ?? 0 });
        rows.push(detector.recentEmbeddings(1) as Float32Array);
      };
      for (let i = 0; i < samples.length; i += FRAME_SAMPLES)
        await detector.process({ samples: samples.subarray(i, i + FRAME_SAMPLES), startSample: i });
      const flat = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
      rows.reduce((at, r) => {
        flat.set(r, at);
        return at + r.length;
      }, 0);
      writeFileSync(rowsFile, Buffer.from(flat.buffer));
      known = { mtimeMs, scores: chunks };
      kept[file] = known;
    }
    const bytes = readFileSync(rowsFile);
    const rows = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const scores: ChunkScore[] = known.scores.map((c, i) => {
      const window = rows.subarray((i + 1) * EMBEDDING_DIM, (i + 1 + CANDIDATE_FRAMES) * EMBEDDING_DIM);
      const embedding = verifiers.map((v, k) => {
        const started = performance.now();
        const p = v.score(window);
        verifierMs[k]?.push(performance.now() - started);
        return p;
      });
      return { ...c, embedding };
    });
    scored.push({ file, samples, scores });
  }
  await wake?.dispose();
  writeFileSync(keptFile, JSON.stringify(kept));
  return { scored, verifierMs };
}
