import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUNDLED_MEL_VERIFIERS,
  MelVerifier,
  type MelVerifierDescriptor,
} from "../../../src/wake/mel-verifier.js";

const entry = BUNDLED_MEL_VERIFIERS.hey_jarvis as { file: string; sha256: string };
const descriptor = JSON.parse(readFileSync(entry.file, "utf8")) as MelVerifierDescriptor;

/** A copy of the bundled files under a new root, the descriptor or network changed by `damage`. */
function copyRoot(damage: (dir: string) => void): string {
  const root = mkdtempSync(path.join(tmpdir(), "mel-verifier-"));
  const dir = path.join(root, path.dirname(entry.file));
  mkdirSync(dir, { recursive: true });
  copyFileSync(entry.file, path.join(root, entry.file));
  copyFileSync(path.join(path.dirname(entry.file), descriptor.model), path.join(dir, descriptor.model));
  damage(dir);
  return root;
}

describe("MelVerifier", () => {
  it("loads the bundled hey_jarvis network, whose bytes match their pins, and scores a window", async () => {
    const v = await MelVerifier.bundled("hey_jarvis", 1);
    expect(v).not.toBeNull();
    try {
      expect(v?.frames).toBe(descriptor.frames);
      expect(v?.threshold).toBeGreaterThan(0.5);
      // Silence (openWakeWord's frames of ones after a reset) is not the phrase.
      const p = await v?.score(new Float32Array((v?.frames ?? 0) * 32).fill(1));
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(0.5);
    } finally {
      await v?.dispose();
    }
    expect(await MelVerifier.bundled("alexa", 1)).toBeNull();
  });

  it("stops with model-corrupt, naming the file, when a pinned file is changed or missing", async () => {
    const descriptorChanged = copyRoot((dir) =>
      writeFileSync(
        path.join(dir, path.basename(entry.file)),
        JSON.stringify({ ...descriptor, threshold: 0.1 }),
      ),
    );
    await expect(MelVerifier.bundled("hey_jarvis", 1, false, descriptorChanged)).rejects.toMatchObject({
      code: "model-corrupt",
      message: expect.stringContaining("hey_jarvis-mel.json"),
    });
    const networkChanged = copyRoot((dir) =>
      writeFileSync(path.join(dir, descriptor.model), "not a network"),
    );
    await expect(MelVerifier.bundled("hey_jarvis", 1, false, networkChanged)).rejects.toMatchObject({
      code: "model-corrupt",
      message: expect.stringMatching(new RegExp(`${descriptor.model}\\) has sha256`)),
    });
    await expect(
      MelVerifier.bundled("hey_jarvis", 1, false, path.join(tmpdir(), "nowhere")),
    ).rejects.toMatchObject({
      code: "model-corrupt",
      message: expect.stringContaining("cannot be read"),
    });
  });

  it("names every problem of a descriptor", () => {
    expect(MelVerifier.problems(descriptor)).toEqual([]);
    const bad = {
      ...descriptor,
      format: "other/1",
      model: "../elsewhere.onnx",
      modelSha256: "abc",
      frames: 3,
      threshold: 2,
    } as unknown as MelVerifierDescriptor;
    expect(MelVerifier.problems(bad)).toEqual([
      "format other/1, expected edge-voice-wake-mel-verifier/1",
      "model must name a file beside the descriptor",
      "modelSha256 must be 64 hex digits",
      "frames must be 16..400",
      "threshold outside 0..1",
    ]);
  });
});
