import { describe, expect, it } from "vitest";
import { createIntentHandler } from "../../../src/intent/create.js";
import type { IntentDecision } from "../../../src/intent/types.js";
import { silentLogger } from "../../../src/util/logger.js";
import { homeConfig, homeRegistry } from "./home.js";

/**
 * "Did you mean turn on the bedroom light?" - "no, the living room one": an answer to a guess
 * asked back that names only what was meant (follow-up.ts, resolveCorrection), through the
 * real intent stage over the sample home.
 */
const config = homeConfig();
const handler = await createIntentHandler(config, homeRegistry(config), silentLogger());
let n = 0;

/** The guess `guess` asked back on a fresh site, then `answer` said in its window. */
async function answered(guess: string, answer: string): Promise<IntentDecision[]> {
  const base = { site: `c${n++}`, area: null, origin: "voice" as const, nowSeconds: 0, wallSeconds: 0 };
  const question = await handler.handle("I hope you enjoyed this video.", {
    ...base,
    runId: "a",
    askBack: guess,
  });
  const reply = await handler.handle(answer, { ...base, runId: "b", nowSeconds: 3, wallSeconds: 3 });
  return [question, reply];
}

const outcome = (d: IntentDecision | undefined) =>
  d?.kind === "execute"
    ? { kind: "execute", intent: d.intent.intent, targets: d.intent.targets, slots: d.intent.slots }
    : { kind: d?.kind, reason: d?.kind === "reject" ? d.reason : undefined };

describe("an answer to a guess asked back that names only what was meant", () => {
  it("'no, the living room one': the asked request about the living room's lights", async () => {
    const [question, reply] = await answered("turn on the bedroom light", "No, the living room one.");
    expect(question).toMatchObject({ kind: "reject", reason: "needs-confirmation" });
    expect(outcome(reply)).toMatchObject({
      kind: "execute",
      intent: "HassTurnOn",
      targets: ["living_room_ceiling", "living_room_lamp"],
    });
  });

  it("a name without a no, and a room said alone, take the asked device's kind", async () => {
    const [, byName] = await answered("turn off the kitchen light", "the hall light");
    expect(outcome(byName)).toMatchObject({
      kind: "execute",
      intent: "HassTurnOff",
      targets: ["hallway_light"],
    });
    const [, byRoom] = await answered("turn off the kitchen light", "living room");
    expect(outcome(byRoom)).toMatchObject({
      kind: "execute",
      intent: "HassTurnOff",
      targets: ["living_room_ceiling", "living_room_lamp"],
    });
  });

  it("keeps what the request said: the brightness asked about goes to the device named", async () => {
    const [, reply] = await answered("set the bedside lamp to 40 percent", "no, the reading lamp");
    expect(outcome(reply)).toMatchObject({
      kind: "execute",
      intent: "HassLightSet",
      targets: ["living_room_lamp"],
      slots: { brightness: 40 },
    });
  });

  it("a kind with no name is not taken as the whole house, nor a name the home lacks", async () => {
    for (const answer of ["no, the lights", "no, the garden one", "the", "no"]) {
      const [, reply] = await answered("turn on the kitchen light", answer);
      expect(outcome(reply), answer).toEqual({ kind: "reject", reason: "cancelled" });
    }
  });

  it("a name that makes the request sensitive asks for its own yes", async () => {
    const [, reply] = await answered("turn off the hall light", "no, the front door");
    expect(reply).toMatchObject({
      kind: "reject",
      reason: "needs-confirmation",
      intent: { targets: ["front_door"] },
    });
    expect(reply).not.toHaveProperty("guessed");
  });

  it("'no, turn it on' as whisper-tiny writes it ('No turn it on.', 'Now turn it on.')", async () => {
    for (const answer of ["No turn it on.", "Now turn it on."]) {
      const [, reply] = await answered("turn off the bedroom fan", answer);
      expect(outcome(reply), answer).toMatchObject({
        kind: "execute",
        intent: "HassTurnOn",
        targets: ["bedroom_fan"],
      });
    }
  });

  it("only answers a guess: a bare name after a command carried out is no command", async () => {
    const base = { site: `c${n++}`, area: null, origin: "voice" as const, nowSeconds: 0, wallSeconds: 0 };
    const first = await handler.handle("turn on the kitchen light", { ...base, runId: "a" });
    expect(first.kind).toBe("execute");
    const previous = first.intent ? { runId: "a", intent: first.intent, wallSeconds: 0 } : undefined;
    const again = await handler.handle("the hall light", { ...base, runId: "b", previous, wallSeconds: 2 });
    expect(outcome(again)).toEqual({ kind: "reject", reason: "not-recognized" });
  });
});
