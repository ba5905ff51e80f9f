import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import { HOME_YAML } from "../intent/home.js";

async function cli(...args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => {
    out += d;
  });
  stderr.on("data", (d) => {
    err += d;
  });
  const code = await main(args, { stdout, stderr, env: {}, cwd: process.cwd() });
  return { code, out, err };
}

describe("edge-voice intent", () => {
  it("prints the recognized intent as JSON", async () => {
    const { code, out } = await cli(
      "intent",
      "--config",
      HOME_YAML,
      "--json",
      "Set the bedside lamp to forty percent.",
    );
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json).toMatchObject({
      intent: "HassLightSet",
      targets: ["bedroom_light"],
      slots: { brightness: 40 },
      source: "template",
      confidence: 1,
    });
    expect(typeof json.ms).toBe("number");
  });

  it("prints a rejection with its reason and still exits 0", async () => {
    const unknown = await cli("intent", "--config", HOME_YAML, "--json", "what's the capital of france");
    expect(unknown.code).toBe(0);
    expect(JSON.parse(unknown.out)).toMatchObject({ intent: null, reason: "not-recognized" });
    const unlock = await cli("intent", "--config", HOME_YAML, "--json", "unlock the front door");
    expect(JSON.parse(unlock.out)).toMatchObject({
      intent: null,
      reason: "needs-confirmation",
      prompt: "say yes to unlock the front door",
      recognized: { intent: "HassTurnOff", targets: ["front_door"] },
    });
  });

  it("prints a readable line without --json", async () => {
    const { code, out } = await cli(
      "intent",
      "--config",
      HOME_YAML,
      "turn",
      "off",
      "the",
      "kitchen",
      "light",
    );
    expect(code).toBe(0);
    expect(out).toMatch(/^HassTurnOff kitchen_light .*\(template, confidence 1\.00, [\d.]+ ms\)/);
  });

  it("needs the text (exit 2)", async () => {
    const { code, err } = await cli("intent", "--config", HOME_YAML);
    expect(code).toBe(2);
    expect(err).toMatch(/needs the text/);
  });

  it("exits 78 on a bad config or templates file, naming the problem", async () => {
    const bad = await cli("intent", "--config", HOME_YAML, "--set", "intent.fuzzy_threshold=2", "hi");
    expect(bad.code).toBe(78);
    expect(bad.err).toMatch(/fuzzy_threshold/);
    const dir = mkdtempSync(path.join(tmpdir(), "edge-voice-cli-"));
    const templates = path.join(dir, "t.yaml");
    writeFileSync(templates, "intents:\n  HassTurnOn:\n    data:\n      - sentences: ['[on {name}']\n");
    const broken = await cli(
      "intent",
      "--config",
      HOME_YAML,
      "--set",
      `intent.templates_file=${templates}`,
      "hi",
    );
    expect(broken.code).toBe(78);
    expect(broken.err).toMatch(/line 4: missing '\]'/);
    expect(broken.err).toMatch(/^hint: /m);
  });
});
