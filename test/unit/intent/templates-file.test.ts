import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EdgeVoiceError } from "../../../src/errors.js";
import { createIntentHandler } from "../../../src/intent/create.js";
import { loadTemplates } from "../../../src/intent/templates/file.js";
import { silentLogger } from "../../../src/util/logger.js";
import { homeConfig, homeRegistry } from "./home.js";

const dir = mkdtempSync(path.join(tmpdir(), "edge-voice-templates-"));
function file(name: string, text: string): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

async function handlerWith(templatesFile: string) {
  const config = homeConfig({ intent: { templates_file: templatesFile } });
  return createIntentHandler(config, homeRegistry(config), silentLogger());
}

const ctx = { runId: "r", site: "s", nowSeconds: 0, wallSeconds: 0, origin: "voice" } as const;

describe("user templates file", () => {
  it("adds sentences, rules and lists to the built-in ones", async () => {
    const handler = await handlerWith(
      file(
        "extend.yaml",
        `expansion_rules:
  lit: "(lit|illuminated)"
lists:
  scene_word:
    values: [cosy, { in: "movie time", out: movie }]
intents:
  HassTurnOn:
    data:
      - sentences: ["make <the> {name} <lit>", "let there be {domain}"]
  HassLightSet:
    data:
      - sentences: ["{scene_word} mode for <the> {name}"]
        slots: { brightness: 30 }
        requires: { domain: [light] }
`,
      ),
    );
    expect(await handler.handle("make the kitchen light lit", ctx)).toMatchObject({
      kind: "execute",
      intent: { intent: "HassTurnOn", targets: ["kitchen_light"] },
    });
    expect(await handler.handle("let there be lights", ctx)).toMatchObject({ kind: "execute" });
    expect(await handler.handle("movie time mode for the reading lamp", ctx)).toMatchObject({
      kind: "execute",
      intent: {
        intent: "HassLightSet",
        targets: ["living_room_lamp"],
        slots: { brightness: 30, scene_word: "movie" },
      },
    });
    // Built-in sentences still work.
    expect(await handler.handle("turn on the kitchen light", ctx)).toMatchObject({ kind: "execute" });
  });

  it("replaces an intent's built-in sentences with replace: true", async () => {
    const handler = await handlerWith(
      file(
        "replace.yaml",
        `intents:
  HassTurnOn:
    replace: true
    data:
      - sentences: ["activate <the> {name}"]
`,
      ),
    );
    expect(await handler.handle("activate the kitchen light", ctx)).toMatchObject({ kind: "execute" });
    expect(await handler.handle("turn on the kitchen light", ctx)).toMatchObject({
      kind: "reject",
      reason: "not-recognized",
    });
  });

  const broken: Array<[string, string, number, RegExp]> = [
    // The "[" left open on line 3, not the line after the last one that yaml's position is on.
    ["yaml syntax", "intents:\n  HassTurnOn:\n    data: [\n", 3, /not valid YAML at column 11: .*still open/],
    [
      "unbalanced parenthesis",
      'intents:\n  HassTurnOn:\n    data:\n      - sentences:\n          - "turn on <the> {name}"\n          - "(switch on {name}"\n',
      6,
      /missing '\)'/,
    ],
    [
      "unknown intent",
      "intents:\n  HassExplode:\n    data:\n      - sentences: [boom]\n",
      2,
      /unknown intent/,
    ],
    [
      "unknown slot",
      'intents:\n  HassTurnOn:\n    data:\n      - sentences: ["on {gadget}"]\n',
      4,
      /unknown slot/,
    ],
    [
      "unknown rule",
      'expansion_rules:\n  a: "b"\nintents:\n  HassTurnOff:\n    data:\n      - sentences: ["<zap> off"]\n',
      6,
      /unknown rule/,
    ],
    ["wrong shape", "intents:\n  HassTurnOn:\n    data:\n      - sentence: [x]\n", 4, /sentence/],
    ["registry list redefined", "lists:\n  name:\n    values: [x]\n", 2, /filled from the registry/],
    [
      "unknown domain",
      "lists:\n  domain:\n    values:\n      - { in: toaster, out: toaster }\n",
      4,
      /unknown domain/,
    ],
    [
      "a sentence that can never match: its intent cannot act on the domain it requires",
      'intents:\n  HassTurnOn:\n    data:\n      - sentences: ["zap <the> {name}"]\n        requires:\n          domain: [light, toaster]\n',
      6,
      /HassTurnOn cannot act on domain "toaster" .*could never match/,
    ],
    [
      "a domain required by an intent that acts on no device",
      'intents:\n  HassStartTimer:\n    data:\n      - sentences: ["egg time"]\n        requires: { domain: [light] }\n',
      5,
      /HassStartTimer cannot act on domain "light" \(it acts on no device\)/,
    ],
  ];
  it.each(broken)("a malformed file (%s) is a config error naming the line", (_what, text, line, message) => {
    const name = file(`bad-${line}-${Math.random()}.yaml`, text);
    let error: unknown;
    try {
      loadTemplates(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdgeVoiceError);
    const e = error as EdgeVoiceError;
    expect(e.exitCode).toBe(78);
    expect(e.code).toBe("templates-invalid");
    expect(e.message).toContain(`line ${line}:`);
    expect(e.message).toMatch(message);
    expect(e.hint).toBeTruthy();
  });

  it("a missing file is a config error", () => {
    expect(() => loadTemplates(path.join(dir, "nope.yaml"))).toThrow(/cannot read templates file/);
  });
});
