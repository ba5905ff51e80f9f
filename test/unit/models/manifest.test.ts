import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { APP_ROOT } from "../../../src/config/paths.js";
import { isEdgeVoiceError } from "../../../src/errors.js";
import {
  isPinned,
  loadManifest,
  type Manifest,
  manifestProblems,
  parseManifest,
} from "../../../src/models/manifest.js";
import { bytes, entryFor, manifestOf, tempDir } from "./helpers.js";

const shipped = loadManifest();
const byId = (id: string) => {
  const entry = shipped.models.find((m) => m.id === id);
  if (!entry) throw new Error(`no ${id} in the manifest`);
  return entry;
};

describe("models/manifest.json", () => {
  it("parses and breaks none of the cross-entry rules", () => {
    expect(manifestProblems(shipped)).toEqual([]);
  });

  it("has the models boards want, each with a way to get every file", () => {
    for (const id of [
      "hey_jarvis",
      "silero_vad_v5",
      "whisper-tiny",
      "whisper-tiny.en",
      "whisper-base.en",
      "whisper-small.en",
      "qwen2.5-0.5b-instruct-q4_k_m",
      "qwen2.5-1.5b-instruct-q4_k_m",
      "llama-3.2-1b-instruct-q4_k_m",
      "tinyllama-1.1b-chat-iq2_xxs",
    ]) {
      expect(byId(id).files.length).toBeGreaterThan(0);
    }
    for (const entry of shipped.models) {
      for (const file of entry.files)
        expect(file.sources.length, `${entry.id}/${file.name}`).toBeGreaterThan(0);
    }
  });

  it("gives every downloadable file an https URL pinned to a tag, release or revision, not a moving branch", () => {
    for (const entry of shipped.models) {
      for (const file of entry.files) {
        for (const source of file.sources) {
          if (!("url" in source)) continue;
          expect(source.url, `${entry.id}/${file.name}`).toMatch(/^https:\/\//);
          expect(source.url, `${entry.id}/${file.name}`).not.toMatch(/\/(main|master)\//);
        }
      }
    }
  });

  it("pins every pinned file with a size as well as a sha256", () => {
    for (const entry of shipped.models) {
      for (const file of entry.files) {
        if (file.sha256) expect(file.size, `${entry.id}/${file.name}`).not.toBeNull();
      }
    }
  });

  it("uses the same transformers.js file list for every Whisper model", () => {
    const names = (id: string) => byId(id).files.map((f) => f.name);
    for (const id of ["whisper-tiny.en", "whisper-base.en", "whisper-small.en"]) {
      expect(new Set(names(id))).toEqual(new Set(names("whisper-tiny")));
    }
  });

  it("marks the entries without public hashes as unpinned and pins the rest", () => {
    expect(isPinned(byId("whisper-small.en"))).toBe(false);
    expect(byId("whisper-small.en").unpinned).toBe(true);
    for (const id of [
      "whisper-tiny.en",
      "whisper-base.en",
      "qwen2.5-0.5b-instruct-q4_k_m",
      "silero_vad_v5",
    ]) {
      expect(isPinned(byId(id)), id).toBe(true);
    }
  });

  it("says plainly that the openWakeWord models are non-commercial", () => {
    for (const entry of shipped.models.filter((m) => m.kind === "wake" || m.kind === "wake-feature")) {
      expect(entry.license).toBe("CC-BY-NC-SA-4.0");
      expect(entry.notes).toMatch(/non-commercial/);
    }
  });

  it("is described model by model in models/README.md, so the two cannot drift apart", () => {
    const readme = readFileSync(path.join(APP_ROOT, "models", "README.md"), "utf8");
    for (const entry of shipped.models) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${entry.id}\` | ${entry.kind} |`));
      expect(row, `models/README.md has no table row for ${entry.id} (${entry.kind})`).toBeDefined();
      expect(row).toContain(isPinned(entry) ? "| pinned |" : "unpinned");
    }
  });

  it("keeps the TinyLlama parts adding up to the whole file", () => {
    const file = byId("tinyllama-1.1b-chat-iq2_xxs").files[0];
    const source = file?.sources.find((s) => "npmParts" in s);
    if (!source || !("npmParts" in source)) throw new Error("no npmParts source");
    expect(source.npmParts.reduce((sum, p) => sum + p.size, 0)).toBe(file?.size);
  });
});

describe("manifest validation", () => {
  const good = () =>
    manifestOf(entryFor("a", { "a.onnx": bytes(10) }), entryFor("b", { "b.onnx": bytes(11) }));
  const problemsOf = (change: (m: Manifest) => void) => {
    const manifest = good();
    change(manifest);
    return manifestProblems(manifest);
  };

  it("finds duplicate ids and duplicate file names", () => {
    expect(problemsOf((m) => ((m.models[1] as { id: string }).id = "a"))).toContain(
      'models: duplicate id "a"',
    );
    expect(
      problemsOf((m) => {
        const entry = m.models[0];
        if (entry?.files[0]) entry.files.push({ ...entry.files[0] });
      }),
    ).toContain('models[a].files: duplicate file name "a.onnx"');
  });

  it("finds requires that name no model", () => {
    expect(problemsOf((m) => ((m.models[0] as { requires?: string[] }).requires = ["zzz"]))).toContain(
      'models[a].requires: unknown model "zzz"',
    );
  });

  it("insists that a file without sha256 makes its entry say unpinned, and only then", () => {
    expect(
      problemsOf((m) => {
        const file = m.models[0]?.files[0];
        if (file) file.sha256 = null;
      }),
    ).toEqual(['models[a]: a file has no sha256, so the entry must say "unpinned": true']);
    expect(problemsOf((m) => ((m.models[0] as { unpinned?: boolean }).unpinned = true))).toEqual([
      'models[a]: "unpinned" is true but every file has a sha256',
    ]);
  });

  it("rejects malformed hashes, escaping file names and unknown fields, listing every problem", () => {
    const raw = JSON.parse(JSON.stringify(good()));
    raw.models[0].files[0].sha256 = "ABC";
    raw.models[1].files[0].name = "../../etc/passwd";
    raw.models[1].colour = "blue";
    try {
      parseManifest(raw, "test.json");
      throw new Error("expected a failure");
    } catch (error) {
      if (!isEdgeVoiceError(error)) throw error;
      expect(error.code).toBe("model-manifest-invalid");
      expect(error.exitCode).toBe(78);
      expect(error.message).toContain("models.0.files.0.sha256");
      expect(error.message).toContain("models.1.files.0.name");
      expect(error.message).toContain("colour");
    }
  });

  it("reports an unreadable manifest as a config error", () => {
    const tmp = tempDir();
    try {
      const file = tmp.write("manifest.json", "{ not json");
      expect(() => loadManifest(file)).toThrow(/cannot read the model manifest/);
    } finally {
      tmp.cleanup();
    }
  });
});
