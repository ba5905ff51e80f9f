import { describe, expect, it } from "vitest";
import { afterNo } from "../../../src/intent/confirmation.js";
import { createIntentHandler } from "../../../src/intent/create.js";
import type { IntentDecision } from "../../../src/intent/types.js";
import { silentLogger } from "../../../src/util/logger.js";
import { homeConfig, homeRegistry } from "./home.js";

async function setup(intent: Record<string, unknown> = {}) {
  const config = homeConfig({ intent });
  const registry = homeRegistry(config);
  const handler = await createIntentHandler(config, registry, silentLogger());
  // Spoken, with the audio and the wall clock running together unless `wallSeconds` says otherwise.
  const say = (text: string, nowSeconds: number, site = "kitchen", wallSeconds = nowSeconds) =>
    handler.handle(text, { runId: `r${nowSeconds}`, site, origin: "voice", nowSeconds, wallSeconds });
  // Typed (MQTT set/text).
  const type = (text: string, nowSeconds: number, site = "kitchen") =>
    handler.handle(text, {
      runId: `t${nowSeconds}`,
      site,
      origin: "text",
      nowSeconds,
      wallSeconds: nowSeconds,
    });
  return { handler, registry, say, type };
}

const executes = (d: IntentDecision, intent: string, targets: string[]) =>
  expect(d).toMatchObject({ kind: "execute", intent: { intent, targets } });
const rejects = (d: IntentDecision, reason: string) => expect(d).toMatchObject({ kind: "reject", reason });

describe("spoken confirmation of sensitive actions", () => {
  it("asks before unlocking, and a yes within the window executes", async () => {
    const { say } = await setup();
    const ask = await say("Unlock the front door.", 10);
    expect(ask).toMatchObject({
      kind: "reject",
      reason: "needs-confirmation",
      confirmWindowSeconds: 8,
      prompt: "say yes to unlock the front door",
      intent: { intent: "HassTurnOff", targets: ["front_door"] },
    });
    executes(await say("Yes.", 17.9), "HassTurnOff", ["front_door"]);
    // The confirmation is used up.
    rejects(await say("yes", 18), "not-recognized");
  });

  it("'please' or 'okay' alone is a yes, with more words it is not", async () => {
    const { say } = await setup();
    await say("unlock the front door", 0);
    executes(await say("Please.", 2), "HassTurnOff", ["front_door"]);
    await say("unlock the front door", 10);
    executes(await say("OK.", 12), "HassTurnOff", ["front_door"]);
    await say("unlock the front door", 20);
    rejects(await say("okay wait", 22), "cancelled");
    await say("unlock the front door", 30);
    rejects(await say("please don't", 32), "cancelled");
  });

  it("asks before opening a garage door or a gate, not a blind", async () => {
    const { say } = await setup();
    expect(await say("open the garage door", 0)).toMatchObject({ prompt: "say yes to open the garage door" });
    executes(await say("yeah", 1), "HassTurnOn", ["garage_door"]);
    expect(await say("open the gate", 2)).toMatchObject({ reason: "needs-confirmation" });
    executes(await say("open the living room blinds", 30), "HassTurnOn", ["living_room_blinds"]);
  });

  it("never asks to lock or close", async () => {
    const { say } = await setup();
    executes(await say("lock the front door", 0), "HassTurnOn", ["front_door"]);
    executes(await say("close the garage door", 1), "HassTurnOff", ["garage_door"]);
    executes(await say("lock all the locks", 2), "HassTurnOn", ["back_door", "front_door"]);
  });

  it("no cancels", async () => {
    const { say } = await setup();
    await say("unlock the back door", 0);
    expect(await say("No.", 2)).toMatchObject({
      kind: "reject",
      reason: "cancelled",
      intent: { targets: ["back_door"] },
    });
    rejects(await say("yes", 3), "not-recognized");
  });

  it("anything else within the window cancels and is not executed", async () => {
    const { say } = await setup();
    await say("unlock the front door", 0);
    rejects(await say("turn on the kitchen light", 1), "cancelled");
    rejects(await say("yes please unlock the back door", 2), "not-recognized");
  });

  it("a yes after the window has expired does nothing", async () => {
    const { say } = await setup();
    await say("unlock the front door", 100);
    rejects(await say("yes", 108.01), "confirmation-expired");
    rejects(await say("yes", 108.5), "not-recognized");
  });

  it("after the window a new command is handled normally", async () => {
    const { say } = await setup();
    await say("unlock the front door", 100);
    executes(await say("turn on the kitchen light", 120), "HassTurnOn", ["kitchen_light"]);
  });

  it("a clock that went backwards cannot confirm", async () => {
    const { say } = await setup();
    await say("unlock the front door", 100);
    rejects(await say("yes", 5), "confirmation-expired");
  });

  it("confirmations belong to their site", async () => {
    const { say } = await setup();
    await say("unlock the front door", 0, "hall");
    rejects(await say("yes", 1, "kitchen"), "not-recognized");
    executes(await say("yes", 2, "hall"), "HassTurnOff", ["front_door"]);
  });

  it("a device removed while waiting is not acted on", async () => {
    const { say, registry } = await setup();
    await say("unlock the front door", 0);
    registry.replaceConfigDevices(registry.all().filter((d) => d.id !== "front_door"));
    rejects(await say("yes", 1), "not-allowed");
  });

  it("with confirm_sensitive false, sensitive actions are refused outright", async () => {
    const { say } = await setup({ confirm_sensitive: false });
    const unlock = await say("unlock the front door", 0);
    expect(unlock).toMatchObject({
      kind: "reject",
      reason: "not-allowed",
      intent: { targets: ["front_door"] },
    });
    rejects(await say("yes", 1), "not-recognized");
    rejects(await say("open the garage door", 2), "not-allowed");
    executes(await say("lock the front door", 3), "HassTurnOn", ["front_door"]);
    executes(await say("close the garage door", 4), "HassTurnOff", ["garage_door"]);
  });

  it("the window length comes from intent.confirm_window_seconds", async () => {
    const { say } = await setup({ confirm_window_seconds: 3 });
    expect(await say("unlock the front door", 0)).toMatchObject({ confirmWindowSeconds: 3 });
    rejects(await say("yes", 3.5), "confirmation-expired");
  });
});

describe("text may not unlock or open (issue 13 item 1)", () => {
  it("a typed request for a sensitive action is rejected as voice-only, with the reason", async () => {
    const { type, say } = await setup();
    const unlock = await type("unlock the front door", 0);
    expect(unlock).toMatchObject({
      kind: "reject",
      reason: "voice-only",
      intent: { intent: "HassTurnOff", targets: ["front_door"] },
    });
    expect(unlock.kind === "reject" && unlock.detail).toMatch(/unlock the front door.*must be spoken/);
    rejects(await type("open the garage door", 1), "voice-only");
    rejects(await type("open the gate", 2), "voice-only");
    // Nothing was left pending: neither a typed nor a spoken yes does anything now.
    rejects(await type("yes", 3), "not-recognized");
    rejects(await say("yes", 4), "not-recognized");
  });

  it("text may still do what is not sensitive, locking and closing included", async () => {
    const { type } = await setup();
    executes(await type("lock the front door", 0), "HassTurnOn", ["front_door"]);
    executes(await type("close the garage door", 1), "HassTurnOff", ["garage_door"]);
    executes(await type("open the living room blinds", 2), "HassTurnOn", ["living_room_blinds"]);
    executes(await type("turn on the kitchen light", 3), "HassTurnOn", ["kitchen_light"]);
  });

  it("a typed yes never confirms a spoken request, and does not cancel it", async () => {
    const { type, say } = await setup();
    rejects(await say("unlock the front door", 10), "needs-confirmation");
    const typed = await type("yes", 11);
    expect(typed).toMatchObject({
      kind: "reject",
      reason: "voice-only",
      intent: { targets: ["front_door"] },
    });
    // Other typed text neither confirms nor cancels it either, and is handled on its own.
    executes(await type("turn on the kitchen light", 12), "HassTurnOn", ["kitchen_light"]);
    executes(await say("yes", 13), "HassTurnOff", ["front_door"]);
  });

  it("with intent.allow_sensitive_from_text, text asks and only a typed yes confirms it", async () => {
    const { type, say } = await setup({ allow_sensitive_from_text: true });
    rejects(await type("unlock the front door", 0), "needs-confirmation");
    rejects(await say("yes", 1), "voice-only");
    executes(await type("yes", 2), "HassTurnOff", ["front_door"]);
  });
});

describe("the window ends in wall time too (issue 13 item 2)", () => {
  it("a yes 20 s later with the audio stalled does not confirm", async () => {
    const { say } = await setup();
    rejects(await say("unlock the front door", 10, "kitchen", 1000), "needs-confirmation");
    // The audio clock moved 1 s (recorder paused), the wall clock 20 s.
    rejects(await say("yes", 11, "kitchen", 1020), "confirmation-expired");
  });

  it("a yes in time on both clocks confirms; a wall clock behind the question does not", async () => {
    const { say } = await setup();
    await say("unlock the front door", 10, "kitchen", 500);
    executes(await say("yes", 12, "kitchen", 507.9), "HassTurnOff", ["front_door"]);
    await say("unlock the front door", 20, "kitchen", 600);
    rejects(await say("yes", 21, "kitchen", 599), "confirmation-expired");
  });
});

describe("allow-list", () => {
  it("intents outside intent.allowed_intents are not allowed", async () => {
    const { say } = await setup({ allowed_intents: ["HassTurnOff", "HassGetState"] });
    const on = await say("turn on the kitchen light", 0);
    expect(on).toMatchObject({ kind: "reject", reason: "not-allowed", intent: { intent: "HassTurnOn" } });
    executes(await say("turn off the kitchen light", 1), "HassTurnOff", ["kitchen_light"]);
    rejects(await say("set a timer for 5 minutes", 2), "not-allowed");
  });
});

describe("afterNo: the request said again after a refusal", () => {
  it.each([
    ["No, I meant turn off the hallway light.", "turn off the hallway light"],
    ["nope. set a timer for 10 minutes", "set a timer for 10 minutes"],
    ["No, not that, the bedroom light", "the bedroom light"],
    ["Turn on the kitchen light", "turn on the kitchen light"],
    ["No.", ""],
    ["no no", ""],
  ])("%s -> %s", (text, expected) => {
    expect(afterNo(text)).toBe(expected);
  });
});
