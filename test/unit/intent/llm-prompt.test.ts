import { describe, expect, it } from "vitest";
import { INTENT_NAMES } from "../../../src/config/sections/intent.js";
import { canTarget } from "../../../src/intent/domains.js";
import { actionFor } from "../../../src/intent/llm/actions.js";
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
  it("has one branch per action of an allowed intent, with only the entity ids it can act on", () => {
    const schema = answerJsonSchema({ intents: INTENT_NAMES, devices, colors: ["red", "warm white"] });
    const branches = schema.oneOf as Branch[];
    for (const branch of branches) {
      expect(branch.additionalProperties).toBe(false);
      const action = actionFor(branch.properties.action?.const as string);
      const ids = branch.properties.targets?.items?.enum ?? [];
      for (const id of ids) {
        const device = devices.find((d) => d.id === id);
        expect(device && action && canTarget(action.intent, device)).toBe(true);
      }
    }
    const targetsOf = (label: string) =>
      branches.find((b) => b.properties.action?.const === label)?.properties.targets?.items?.enum;
    expect(targetsOf("unlock")).toEqual(["front_door", "back_door"]);
    expect(targetsOf("open")).toEqual([
      "garage_door",
      "driveway_gate",
      "living_room_blinds",
      "bedroom_curtains",
    ]);
    const light = branches.filter((b) => b.properties.action?.const?.startsWith("set_"));
    expect(light.map((b) => Object.keys(b.properties))).toEqual([
      ["action", "targets", "brightness"],
      ["action", "targets", "color"],
      ["action", "targets", "temperature"],
    ]);
    expect(light[0]?.properties.brightness?.enum).toHaveLength(101);
    expect(branches.at(-1)?.properties.action?.const).toBe("unknown");
  });

  it("leaves out intents that are not allowed and intents without possible targets", () => {
    const schema = answerJsonSchema({
      intents: ["HassTurnOn", "HassClimateSetTemperature"],
      devices: devices.filter((d) => d.domain === "light"),
      colors: [],
    });
    const actions = (schema.oneOf as Branch[]).map((b) => b.properties.action?.const);
    expect(actions).toEqual(["turn_on", "unknown"]);
  });
});

describe("LLM prompt", () => {
  it("lists every device and gives examples that are themselves valid answers", () => {
    const prompt = buildPrompt(devices, INTENT_NAMES);
    for (const d of devices) expect(prompt.system).toContain(`- ${d.id}: ${d.name}`);
    const allowed = {
      intents: new Set<string>(INTENT_NAMES),
      entityIds: new Set(devices.map((d) => d.id)),
      domainOf: (id: string) => devices.find((d) => d.id === id)?.domain,
    };
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
    expect(new Set(prompt.examples.map((e) => e.answer.action))).toEqual(
      new Set(["turn_on", "lock", "unknown"]),
    );
  });
});
