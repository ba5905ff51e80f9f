import { describe, expect, it } from "vitest";
import { INTENT_NAMES } from "../../../src/config/sections/intent.js";
import { canTarget } from "../../../src/intent/domains.js";
import { parseAnswer } from "../../../src/intent/llm/answer.js";
import { buildPrompt } from "../../../src/intent/llm/prompt.js";
import { answerJsonSchema } from "../../../src/intent/llm/schema.js";
import { homeRegistry } from "./home.js";

const devices = homeRegistry().all();

interface Branch {
  properties: Record<string, { const?: string; items?: { enum: string[] }; enum?: unknown[] }>;
  additionalProperties: boolean;
}

describe("LLM grammar schema", () => {
  it("has one branch per allowed intent, with only the entity ids that intent can act on", () => {
    const schema = answerJsonSchema({ intents: INTENT_NAMES, devices, colors: ["red", "warm white"] });
    const branches = schema.oneOf as Branch[];
    for (const branch of branches) {
      expect(branch.additionalProperties).toBe(false);
      const intent = branch.properties.intent?.const as string;
      const ids = branch.properties.targets?.items?.enum ?? [];
      for (const id of ids) expect(canTarget(intent, devices.find((d) => d.id === id) as never)).toBe(true);
    }
    const lightSet = branches.filter((b) => b.properties.intent?.const === "HassLightSet");
    expect(lightSet.map((b) => Object.keys(b.properties))).toEqual([
      ["intent", "targets", "brightness"],
      ["intent", "targets", "color"],
    ]);
    expect(lightSet[0]?.properties.brightness?.enum).toHaveLength(101);
    expect(branches.at(-1)?.properties.intent?.const).toBe("unknown");
  });

  it("leaves out intents that are not allowed and intents without possible targets", () => {
    const schema = answerJsonSchema({
      intents: ["HassTurnOn", "HassClimateSetTemperature"],
      devices: devices.filter((d) => d.domain === "light"),
      colors: [],
    });
    const intents = (schema.oneOf as Branch[]).map((b) => b.properties.intent?.const);
    expect(intents).toEqual(["HassTurnOn", "unknown"]);
  });
});

describe("LLM prompt", () => {
  it("lists every device and gives examples that are themselves valid answers", () => {
    const prompt = buildPrompt(devices, INTENT_NAMES);
    for (const d of devices) expect(prompt.system).toContain(`- ${d.id}: ${d.name}`);
    const allowed = { intents: new Set<string>(INTENT_NAMES), entityIds: new Set(devices.map((d) => d.id)) };
    const kinds = new Set<string>();
    for (const example of prompt.examples) {
      const parsed = parseAnswer(JSON.stringify(example.answer), allowed);
      expect(parsed.kind, example.user).not.toBe("invalid");
      kinds.add(parsed.kind === "intent" ? parsed.intent.intent : parsed.kind);
    }
    expect([...kinds].sort()).toEqual([...INTENT_NAMES, "unknown"].sort());
  });

  it("gives no examples of intents that are not allowed", () => {
    const prompt = buildPrompt(devices, ["HassTurnOn"]);
    expect(new Set(prompt.examples.map((e) => e.answer.intent))).toEqual(new Set(["HassTurnOn", "unknown"]));
  });
});
