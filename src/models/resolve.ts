import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { Logger } from "../util/logger.js";
import type { ModelEntry, ModelKind } from "./manifest.js";
import type { ModelStore, VerifiedModel } from "./store.js";

export interface ResolvedModel {
  /** The file to load (single-file models, or a path given by the user), or the model's directory (Whisper). */
  path: string;
  /** The manifest entry, or null for a file given by path. */
  entry: ModelEntry | null;
  /** Every verified file by manifest name (empty for a file given by path). */
  paths: Record<string, string>;
  /** False when nothing was hash-checked: a path given by the user, or an unpinned entry. */
  pinned: boolean;
}

export interface ResolveOptions {
  /** Relative paths are taken from here (default: the store's working directory). */
  cwd?: string;
  logger?: Logger;
}

/** File name endings a path of each kind may have; checked so a swapped setting fails at start. */
const EXTENSIONS: Record<ModelKind, string[]> = {
  wake: [".onnx", ".ppn"],
  "wake-feature": [".onnx"],
  vad: [".onnx"],
  stt: [""],
  llm: [".gguf"],
};

/**
 * Turns a model setting into a verified path. A manifest id is verified (size and
 * sha256, missing/corrupt files stop start-up); an existing file path is accepted as
 * the user's own model, unpinned, with one log line saying so; anything else is
 * model-missing with a hint naming the ids of that kind.
 */
export async function resolveModelPath(
  store: ModelStore,
  idOrPath: string,
  kind: ModelKind,
  options: ResolveOptions = {},
): Promise<ResolvedModel> {
  if (store.has(idOrPath)) return fromManifest(store, idOrPath, kind, options);
  const full = path.resolve(options.cwd ?? store.cwd, idOrPath);
  if (!existsSync(full)) {
    const looksLikePath = idOrPath.includes("/") || idOrPath.includes("\\") || /\.[a-z0-9]+$/i.test(idOrPath);
    throw new EdgeVoiceError(
      "model-missing",
      looksLikePath
        ? `${kind} model file ${full} does not exist`
        : `"${idOrPath}" is neither a ${kind} model id in models/manifest.json nor an existing file`,
      { hint: idsHint(store, kind), exitCode: ExitCode.config },
    );
  }
  checkGivenFile(full, kind, store);
  const size = statSync(full).size;
  options.logger?.info(
    { model: full, kind, bytes: size },
    `using your own ${kind} model ${full}: it is not in the manifest, so its sha256 is not checked`,
  );
  return { path: full, entry: null, paths: {}, pinned: false };
}

async function fromManifest(
  store: ModelStore,
  id: string,
  kind: ModelKind,
  options: ResolveOptions,
): Promise<ResolvedModel> {
  const entry = store.entry(id);
  if (entry.kind !== kind) {
    throw new EdgeVoiceError("model-unknown", `model "${id}" is a ${entry.kind} model, not a ${kind} model`, {
      hint: idsHint(store, kind),
      exitCode: ExitCode.config,
    });
  }
  const verified: VerifiedModel = await store.verify(id);
  if (verified.unpinned.length > 0) {
    options.logger?.warn(
      { model: id, files: verified.unpinned },
      `model ${id} has files without a public sha256; they were checked for presence${entry.files.some((f) => f.size !== null) ? " and size" : ""} only`,
    );
  }
  const only = entry.files.length === 1 ? verified.paths[entry.files[0]?.name ?? ""] : undefined;
  return {
    path: only ?? verified.dir,
    entry,
    paths: verified.paths,
    pinned: verified.unpinned.length === 0,
  };
}

function checkGivenFile(full: string, kind: ModelKind, store: ModelStore): void {
  const stats = statSync(full);
  if (kind === "stt") {
    if (!stats.isDirectory()) {
      throw new EdgeVoiceError(
        "model-corrupt",
        `stt model ${full} must be a directory in the transformers.js layout`,
        {
          hint: `give a directory holding config.json and onnx/, or one of: ${idsOf(store, kind)}`,
          exitCode: ExitCode.config,
        },
      );
    }
    return;
  }
  if (!stats.isFile()) {
    throw new EdgeVoiceError("model-corrupt", `${kind} model ${full} is not a file`, {
      hint: idsHint(store, kind),
      exitCode: ExitCode.config,
    });
  }
  const allowed = EXTENSIONS[kind];
  if (!allowed.some((ext) => full.toLowerCase().endsWith(ext))) {
    throw new EdgeVoiceError("model-corrupt", `${kind} model ${full} should end in ${allowed.join(" or ")}`, {
      hint: idsHint(store, kind),
      exitCode: ExitCode.config,
    });
  }
  if (kind === "llm" && readMagic(full) !== "GGUF") {
    throw new EdgeVoiceError("model-corrupt", `${full} is not a GGUF file (it does not start with "GGUF")`, {
      hint: "give a .gguf model file (llama.cpp format), e.g. a Q4_K_M quantization; see models/README.md",
      exitCode: ExitCode.config,
    });
  }
}

function readMagic(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(4);
    const read = readSync(fd, buffer, 0, 4, 0);
    return buffer.subarray(0, read).toString("latin1");
  } finally {
    closeSync(fd);
  }
}

function idsOf(store: ModelStore, kind: ModelKind): string {
  return store.manifest.models
    .filter((m) => m.kind === kind)
    .map((m) => m.id)
    .join(", ");
}

function idsHint(store: ModelStore, kind: ModelKind): string {
  const ids = idsOf(store, kind);
  const ending = EXTENSIONS[kind].filter(Boolean).join("/");
  const own = kind === "stt" ? "a transformers.js model directory" : `a path to your own ${ending} file`;
  return `use one of: ${ids || "(none in the manifest)"}; or ${own}; \`edge-voice models list\` shows what is installed`;
}
