// Start-up cost of model verification: hashing every configured model cold, against
// coreutils `sha256sum` on the same files (the peer), and a start with the hash cache warm.
//
//   npx tsx bench/models.ts [EXTRA_MODEL_ID...]     e.g. tinyllama-1.1b-chat-iq2_xxs once fetched
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { configSchema } from "../src/config/schema.js";
import { configuredModels, verifyModels } from "../src/models/startup.js";
import { ModelStore } from "../src/models/store.js";

const extra = process.argv.slice(2);
const config = configSchema.parse({});
const requests = [
  ...configuredModels(config),
  ...extra.map((id) => ({
    setting: id,
    value: id,
    kind: new ModelStore({ modelsDir: "models", cacheFile: null }).entry(id).kind,
  })),
];
const stateDir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-bench-models-"));
const cacheFile = path.join(stateDir, "model-hashes.json");

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

try {
  const cold = new ModelStore({ modelsDir: "models", cacheFile, alwaysHash: true });
  const [resolved, coldMs] = await timed(() => verifyModels(cold, requests));
  const files = [...resolved.values()].flatMap((r) =>
    Object.keys(r.paths).length ? Object.values(r.paths) : [r.path],
  );
  const unique = [...new Set(files)];
  const bytes = Number(
    execFileSync("du", ["-cbL", ...unique])
      .toString()
      .trim()
      .split("\n")
      .at(-1)
      ?.split("\t")[0],
  );
  const [, peerMs] = await timed(() => execFileSync("sha256sum", unique));
  const warm = new ModelStore({ modelsDir: "models", cacheFile });
  const [, warmMs] = await timed(() => verifyModels(warm, requests));

  const mb = bytes / 1e6;
  console.log(`models: ${requests.map((r) => r.value).join(", ")}`);
  console.log(`files: ${unique.length}, ${mb.toFixed(1)} MB`);
  console.log(
    `cold verify (hash everything):   ${coldMs.toFixed(0)} ms  (${(mb / (coldMs / 1000)).toFixed(0)} MB/s)`,
  );
  console.log(
    `peer: sha256sum on the same files: ${peerMs.toFixed(0)} ms  (${(mb / (peerMs / 1000)).toFixed(0)} MB/s)`,
  );
  console.log(`ratio cold verify / sha256sum:   ${(coldMs / peerMs).toFixed(2)}`);
  console.log(
    `warm verify (hash cache):        ${warmMs.toFixed(1)} ms  (${warm.hashedCount} files re-hashed)`,
  );
  console.log(`ratio cold / warm:               ${(coldMs / warmMs).toFixed(0)}x`);
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
