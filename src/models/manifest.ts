import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { EdgeVoiceError } from "../errors.js";
import { APP_ROOT } from "../system/paths.js";

const source = z.union([
  z.strictObject({ npm: z.string(), path: z.string() }).describe("A file inside an installed npm package"),
  z.strictObject({ url: z.string().url() }).describe("An official download URL (scripts/fetch-models.sh)"),
]);

const modelFile = z.strictObject({
  /** Path of the file inside the model's directory, e.g. `onnx/encoder_model_quantized.onnx`. */
  name: z.string(),
  /** Null where no public source gives it: the entry is then unpinned. */
  size: z.number().int().positive().nullable(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  sources: z.array(source).min(1),
});

const modelEntry = z.strictObject({
  id: z.string().regex(/^[a-z0-9_.-]+$/),
  kind: z.enum(["wake", "wake-feature", "vad", "stt", "llm"]),
  description: z.string(),
  license: z.string(),
  languages: z.string().optional(),
  /** Other models this one needs at run time (openWakeWord classifiers need the mel and embedding models). */
  requires: z.array(z.string()).optional(),
  /** Set on entries whose hashes no public source gives; fetch-models prints what it computed. */
  unpinned: z.boolean().optional(),
  files: z.array(modelFile).min(1),
});

export const manifestSchema = z.strictObject({ version: z.literal(1), models: z.array(modelEntry) });

export type Manifest = z.infer<typeof manifestSchema>;
export type ModelEntry = z.infer<typeof modelEntry>;
export type ModelFile = z.infer<typeof modelFile>;
export type ModelSource = z.infer<typeof source>;
export type ModelKind = ModelEntry["kind"];

export const MANIFEST_PATH = path.join(APP_ROOT, "models", "manifest.json");

export function loadManifest(file: string = MANIFEST_PATH): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new EdgeVoiceError(
      "model-unknown",
      `cannot read the model manifest ${file}: ${(error as Error).message}`,
      {
        hint: "reinstall edge-voice; models/manifest.json ships with it",
      },
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new EdgeVoiceError(
      "model-unknown",
      `the model manifest ${file} is malformed at ${first?.path.join(".")}`,
      {
        hint: "restore models/manifest.json from the release",
      },
    );
  }
  return parsed.data;
}
