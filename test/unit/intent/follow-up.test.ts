import { describe, expect, it } from "vitest";
import { createIntentHandler } from "../../../src/intent/create.js";
import { PREVIOUS_FRESH_SECONDS } from "../../../src/intent/follow-up.js";
import { spellText } from "../../../src/intent/sentence-space/spell.js";
import type { IntentDecision, RecognizedIntent } from "../../../src/intent/types.js";
import { silentLogger } from "../../../src/util/logger.js";
import { homeConfig, homeRegistry } from "./home.js";

const config = homeConfig();
const handler = await createIntentHandler(config, homeRegistry(config), silentLogger());
let n = 0;

/** `first`, then `then` with the first's intent as the previous one, each on a fresh site. */
async function conversation(
  first: string,
  then: string,
  area: string | null = null,
  age = 5,
): Promise<IntentDecision> {
  const site = `s${n++}`;
  const base = { site, area, origin: "voice" as const, nowSeconds: 0, wallSeconds: 0 };
  const before = await handler.handle(first, { ...base, runId: "a" });
  if (!before.intent) throw new Error(`${first}: not recognized`);
  const previous = { runId: "a", intent: before.intent, wallSeconds: 0 };
  return handler.handle(then, { ...base, runId: "b", previous, wallSeconds: age });
}

function executed(decision: IntentDecision): RecognizedIntent {
  if (decision.kind !== "execute") throw new Error(`not executed: ${JSON.stringify(decision)}`);
  return decision.intent;
}

describe("follow-ups: it / them / that", () => {
  it("points at the previous target", async () => {
    const off = executed(await conversation("turn on the kitchen light", "turn it off"));
    expect(off).toMatchObject({ intent: "HassTurnOff", targets: ["kitchen_light"] });
    const dim = executed(await conversation("is the kitchen light on", "set it to 40 percent"));
    expect(dim).toMatchObject({
      intent: "HassLightSet",
      targets: ["kitchen_light"],
      slots: { brightness: 40 },
    });
  });

  it("keeps a repeated name in its own room", async () => {
    const off = executed(await conversation("turn on the ceiling light in the bedroom", "switch that off"));
    expect(off.targets).toEqual(["bedroom_ceiling"]);
  });

  it("'them' is every previous target the new intent can act on", async () => {
    const on = executed(await conversation("turn off the lights in the bedroom", "turn them back on"));
    expect(on).toMatchObject({ intent: "HassTurnOn", targets: ["bedroom_ceiling", "bedroom_light"] });
    expect(on.slots.name).toBeUndefined();
  });

  it("a sensitive action through a pronoun still needs a yes", async () => {
    const decision = await conversation("is the front door locked", "unlock it");
    expect(decision).toMatchObject({ kind: "reject", reason: "needs-confirmation" });
    expect(decision.intent).toMatchObject({ intent: "HassTurnOff", targets: ["front_door"] });
  });

  it("only a recent intent is what 'it' means", async () => {
    const late = await conversation(
      "turn on the kitchen light",
      "turn it off",
      null,
      PREVIOUS_FRESH_SECONDS + 1,
    );
    expect(late).toMatchObject({ kind: "reject", reason: "not-recognized" });
    const soon = await conversation("turn on the kitchen light", "turn it off", null, PREVIOUS_FRESH_SECONDS);
    expect(soon.kind).toBe("execute");
  });

  it("is in the sentence space for guided speech recognition, and means nothing alone", async () => {
    const space = handler.transcriptGuide();
    for (const text of ["turn it off", "switch them back on", "turn on that"]) {
      const words = spellText(text);
      const at = space && words !== null ? space.graph.walk(space.graph.start, words) : null;
      expect(at !== null && space?.graph.isComplete(at), text).toBe(true);
      const alone = await handler.handle(text, {
        runId: "x",
        site: `alone${n++}`,
        origin: "voice",
        nowSeconds: 0,
        wallSeconds: 0,
      });
      expect(alone, text).toMatchObject({ kind: "reject", reason: "not-recognized" });
    }
  });

  it("without a previous target there is nothing to point at", async () => {
    const decision = await conversation("what time is it", "turn it off");
    expect(decision).toMatchObject({ kind: "reject", reason: "not-recognized" });
  });
});

describe("follow-ups: too / also", () => {
  it("repeats the previous action on a new target", async () => {
    const on = executed(await conversation("turn on the kitchen light", "and the hallway light too"));
    expect(on).toMatchObject({ intent: "HassTurnOn", targets: ["hallway_light"] });
    const also = executed(await conversation("turn off the coffee machine", "also the christmas tree"));
    expect(also).toMatchObject({ intent: "HassTurnOff", targets: ["christmas_tree"] });
    const dim = executed(
      await conversation("dim the kitchen light to 30 percent", "the bedside lamp as well"),
    );
    expect(dim).toMatchObject({
      intent: "HassLightSet",
      targets: ["bedroom_light"],
      slots: { brightness: 30 },
    });
    const blue = executed(await conversation("make the kitchen light blue", "and the hall light too"));
    expect(blue).toMatchObject({ targets: ["hallway_light"], slots: { color: "blue" } });
  });

  it("asks the same question about another device", async () => {
    const state = executed(await conversation("is the front door locked", "what about the back door"));
    expect(state).toMatchObject({
      intent: "HassGetState",
      targets: ["back_door"],
      slots: { state: "locked" },
    });
  });

  it("a sensitive repeat still needs a yes", async () => {
    const decision = await conversation("close the garage door", "and the driveway gate too");
    expect(decision.kind).toBe("execute");
    const open = await conversation("open the living room blinds", "and the garage door too");
    expect(open).toMatchObject({ kind: "reject", reason: "needs-confirmation" });
    expect(open.intent?.targets).toEqual(["garage_door"]);
  });

  it("never widens to the whole house by accident", async () => {
    const decision = await conversation("turn off the kitchen light", "and the lights too");
    expect(decision).toMatchObject({ kind: "reject", reason: "not-recognized" });
    // With the board's own room, "the lights" are that room's, as in any command.
    const here = executed(await conversation("turn off the kitchen light", "and the lights too", "bedroom"));
    expect(here.targets).toEqual(["bedroom_ceiling", "bedroom_light"]);
  });

  it("a whole command said with 'too' is that command", async () => {
    const off = executed(await conversation("turn on the kitchen light", "turn off the desk fan too"));
    expect(off).toMatchObject({ intent: "HassTurnOff", targets: ["office_fan"] });
  });

  it("needs a marker: a bare name is not a command", async () => {
    const decision = await conversation("turn on the kitchen light", "the hallway light");
    expect(decision).toMatchObject({ kind: "reject", reason: "not-recognized" });
  });

  it("a full command in a follow-up is read as it is", async () => {
    const off = executed(await conversation("turn on the kitchen light", "turn off the hall light"));
    expect(off).toMatchObject({ intent: "HassTurnOff", targets: ["hallway_light"] });
  });
});
