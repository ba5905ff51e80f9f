import { describe, expect, it } from "vitest";
import { createIntentHandler } from "../../../src/intent/create.js";
import { silentLogger } from "../../../src/util/logger.js";
import { homeConfig, homeRegistry } from "./home.js";

const config = homeConfig();
const handler = await createIntentHandler(config, homeRegistry(config), silentLogger());

async function targets(say: string, area: string | null) {
  const decision = await handler.handle(say, {
    runId: "r",
    site: "s",
    area,
    origin: "voice",
    nowSeconds: 0,
    wallSeconds: 0,
  });
  if (decision.kind !== "execute") return { rejected: decision.reason };
  return {
    intent: decision.intent.intent,
    targets: decision.intent.targets,
    area: decision.intent.slots.area,
  };
}

const ALL_LIGHTS = [
  "bedroom_ceiling",
  "bedroom_light",
  "hallway_light",
  "kitchen_light",
  "kitchen_spots",
  "living_room_ceiling",
  "living_room_lamp",
  "office_desk_lamp",
];

describe("room awareness: the board's area (config `area`)", () => {
  it.each([
    ["turn on the light", "kitchen", "HassTurnOn", ["kitchen_light", "kitchen_spots"]],
    ["turn off the lights", "kitchen", "HassTurnOff", ["kitchen_light", "kitchen_spots"]],
    ["lights off", "living_room", "HassTurnOff", ["living_room_ceiling", "living_room_lamp"]],
    // People write areas with spaces and capitals; the registry may use underscores.
    ["turn off the lights", "Living Room", "HassTurnOff", ["living_room_ceiling", "living_room_lamp"]],
    // Written like a site id: it used to match nothing, and "the lights" meant the whole house.
    ["turn off the lights", "living-room", "HassTurnOff", ["living_room_ceiling", "living_room_lamp"]],
    ["set the lights to 40 percent", "bedroom", "HassLightSet", ["bedroom_ceiling", "bedroom_light"]],
  ])("%s, said in %s, acts on that room", async (say, area, intent, expected) => {
    expect(await targets(say, area)).toMatchObject({ intent, targets: expected });
  });

  it("records the board's area as the intent's area slot", async () => {
    expect(await targets("turn on the lights", "kitchen")).toMatchObject({ area: "kitchen" });
  });

  it("without an area, keeps switching every such device in the house", async () => {
    expect(await targets("turn off the lights", null)).toMatchObject({
      targets: ALL_LIGHTS,
      area: undefined,
    });
  });

  it("a name or a room said aloud wins over the board's area", async () => {
    expect(await targets("turn on the office lights", "kitchen")).toMatchObject({
      targets: ["office_desk_lamp"],
    });
    expect(await targets("turn on the hallway light", "kitchen")).toMatchObject({
      targets: ["hallway_light"],
    });
    expect(await targets("turn off the lights in the bedroom", "kitchen")).toMatchObject({
      targets: ["bedroom_ceiling", "bedroom_light"],
    });
  });

  it("a name two rooms share means the board's room's device; elsewhere it is still refused", async () => {
    // "ceiling light" is in the living room and the bedroom (test/fixtures/intent/home.yaml).
    expect(await targets("turn on the ceiling light", "bedroom")).toMatchObject({
      targets: ["bedroom_ceiling"],
    });
    expect(await targets("turn on the ceiling light", "Living Room")).toMatchObject({
      targets: ["living_room_ceiling"],
    });
    expect(await targets("turn on the ceiling light", "kitchen")).toEqual({ rejected: "not-recognized" });
    expect(await targets("turn on the ceiling light", null)).toEqual({ rejected: "not-recognized" });
    expect(await targets("turn on the ceiling light in the living room", "bedroom")).toMatchObject({
      targets: ["living_room_ceiling"],
    });
  });

  it("a shared name the words and the board's room cannot settle says so in the refusal", async () => {
    const decision = await handler.handle("turn on the ceiling light", {
      runId: "r",
      site: "s",
      area: "kitchen",
      origin: "voice",
      nowSeconds: 0,
      wallSeconds: 0,
    });
    expect(decision).toMatchObject({
      kind: "reject",
      reason: "not-recognized",
      detail: '"ceiling light" names 2 devices (living_room, bedroom): say the room, or give one an alias',
    });
    const other = await handler.handle("sing me a song", {
      runId: "r",
      site: "s",
      area: null,
      origin: "voice",
      nowSeconds: 0,
      wallSeconds: 0,
    });
    expect(other).toMatchObject({ kind: "reject", detail: "no template matched" });
  });

  it('"all the lights" still means the house', async () => {
    expect(await targets("turn off all the lights", "kitchen")).toMatchObject({ targets: ALL_LIGHTS });
    expect(await targets("turn off all of the lights", "kitchen")).toMatchObject({ targets: ALL_LIGHTS });
  });

  it("an area with none of that kind falls back to the house, as without an area", async () => {
    // The hallway has a light but no switch: "turn off the switches" reaches them all.
    const here = await targets("turn off the switches", "hallway");
    const house = await targets("turn off the switches", null);
    expect(here).toEqual(house);
  });
});
