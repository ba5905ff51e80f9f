import type { IPublishPacket } from "mqtt";
import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/load.js";
import type { PipelineEvent } from "../../../src/events/types.js";
import { ControlIn } from "../../../src/mqtt/control-in.js";
import { WarningBudget } from "../../../src/mqtt/learn-report.js";
import { textRateLimit } from "../../../src/mqtt/text-limit.js";
import { Topics } from "../../../src/mqtt/topics.js";
import { silentLogger } from "../../../src/util/logger.js";
import { testBus } from "../../support/bus.js";
import { captureLogger } from "../../support/capture-logger.js";
import { RecordingControl } from "../../support/mqtt-harness.js";

function setup(site = "kitchen") {
  const control = new RecordingControl();
  const mutes: boolean[] = [];
  const topics = new Topics("edge-voice", site, "homeassistant");
  const handler = new ControlIn(topics, control, (m) => mutes.push(m), silentLogger());
  const send = (topic: string, payload: string, retain = false) =>
    handler.handle(topic, Buffer.from(payload), { retain } as IPublishPacket);
  return { control, mutes, send };
}

describe("ControlIn", () => {
  it("accepts the usual spellings of on and off for mute and ignores anything else", () => {
    const { control, mutes, send } = setup();
    for (const word of ["ON", " true ", "1", "yes"]) send("edge-voice/kitchen/set/mute", word);
    expect(control.muted).toBe(true);
    send("edge-voice/kitchen/set/mute", "OFF");
    for (const bad of ["", "maybe", '{"state":"ON"}']) send("edge-voice/kitchen/set/mute", bad);
    expect(control.muted).toBe(false);
    expect(mutes).toEqual([true, true, true, true, false]);
  });

  it("Hermes toggles: only this site; a missing siteId means the site called default", () => {
    const kitchen = setup();
    kitchen.send("hermes/hotword/toggleOff", "{}");
    kitchen.send("hermes/hotword/toggleOff", '{"siteId":"bedroom"}');
    kitchen.send("hermes/hotword/toggleOff", "[]");
    expect(kitchen.control.wakeEnabled).toBe(true);
    kitchen.send("hermes/hotword/toggleOff", '{"siteId":"kitchen"}');
    expect(kitchen.control.wakeEnabled).toBe(false);
    const fallback = setup("default");
    fallback.send("hermes/hotword/toggleOff", "");
    expect(fallback.control.wakeEnabled).toBe(false);
  });

  it("injected text: plain or JSON, trimmed, bounded, no control characters, never from a retained message", () => {
    const { control, send } = setup();
    send("edge-voice/kitchen/set/text", "  turn on the lamp\n");
    send("edge-voice/kitchen/set/text", '{"text":"lock the door"}');
    send("edge-voice/kitchen/set/text", '{"words":"x"}');
    send("edge-voice/kitchen/set/text", "a".repeat(501));
    send("edge-voice/kitchen/set/text", "bell\u0007");
    send("edge-voice/kitchen/set/text", "open the garage", true);
    expect(control.injected).toEqual(["turn on the lamp", "lock the door"]);
    expect(send("edge-voice/kitchen/set/other", "x")).toBe(false);
  });

  it("ignores retained control messages: a retained mute must not re-mute on every reconnect", () => {
    const { control, send } = setup();
    expect(send("edge-voice/kitchen/set/mute", "on", true)).toBe(true);
    send("hermes/hotword/toggleOff", '{"siteId":"kitchen"}', true);
    expect(control.muted).toBe(false);
    expect(control.wakeEnabled).toBe(true);
    send("edge-voice/kitchen/set/mute", "on");
    expect(control.muted).toBe(true);
  });
});

describe("ControlIn set/text rate limit", () => {
  it("passes text the limit admits and refuses the rest before it reaches the pipeline", () => {
    const control = new RecordingControl();
    const topics = new Topics("edge-voice", "kitchen", "homeassistant");
    let budget = 2;
    const noted: string[] = [];
    const handler = new ControlIn(
      topics,
      control,
      () => {},
      silentLogger(),
      (text) => {
        noted.push(text);
        return () => noted.splice(noted.indexOf(text), 1);
      },
      { admit: () => budget-- > 0, invalid: () => {} },
    );
    for (const text of ["one", "two", "three"])
      handler.handle("edge-voice/kitchen/set/text", Buffer.from(text), { retain: false } as IPublishPacket);
    expect(control.injected).toEqual(["one", "two"]);
    expect(noted).toEqual(["one", "two"]);
  });

  it("takes back its note of a text the pipeline refused", () => {
    const control = new RecordingControl();
    control.injectText = () => false;
    const noted: string[] = [];
    const handler = new ControlIn(
      new Topics("edge-voice", "kitchen", "homeassistant"),
      control,
      () => {},
      silentLogger(),
      (text) => {
        noted.push(text);
        return () => noted.splice(noted.indexOf(text), 1);
      },
    );
    handler.handle("edge-voice/kitchen/set/text", Buffer.from("hello"), { retain: false } as IPublishPacket);
    expect(noted).toEqual([]);
  });
});

describe("ControlIn: bad messages from anyone on the broker", () => {
  it("a flood of bad control messages logs a few lines with a code, then says how many it held back", () => {
    const control = new RecordingControl();
    const { logger, lines } = captureLogger("info");
    let now = 0;
    const topics = new Topics("edge-voice", "kitchen", "homeassistant");
    const handler = new ControlIn(
      topics,
      control,
      () => {},
      logger,
      undefined,
      undefined,
      new WarningBudget(() => now),
    );
    const send = (topic: string, payload: string) =>
      handler.handle(topic, Buffer.from(payload), { retain: false } as IPublishPacket);
    for (let i = 0; i < 1000; i++) send("edge-voice/kitchen/set/mute", "garbage");
    const warned = () => lines.filter((l) => l.level === 40);
    expect(warned()).toHaveLength(10);
    expect(warned().every((l) => l.code === "control-invalid")).toBe(true);
    now += 60_000;
    send("hermes/hotword/toggleOff", "[]");
    expect(warned()).toHaveLength(11);
    expect(warned()[10]).toMatchObject({ code: "control-invalid", suppressedBefore: 990 });
    send("edge-voice/kitchen/set/mute", "on"); // and the board still obeys a good one
    expect(control.muted).toBe(true);
  });

  it("set/text that is not text is an input-rejected event (invalid) the sender can see", () => {
    const { events, control, handler } = textRejections();
    const send = (payload: string) =>
      handler.handle("edge-voice/kitchen/set/text", Buffer.from(payload), {
        retain: false,
      } as IPublishPacket);
    send('{"text": 5}');
    send("");
    send("turn on the lamp");
    expect(control.injected).toEqual(["turn on the lamp"]);
    expect(events).toEqual([
      expect.objectContaining({
        type: "input-rejected",
        site: "kitchen",
        source: "text",
        reason: "invalid",
        count: 1,
      }),
    ]);
  });

  it("set/text JSON that is not an object with text is refused as invalid, never taken as words", () => {
    const control = new RecordingControl();
    const { logger, lines } = captureLogger("info");
    let invalid = 0;
    const handler = new ControlIn(
      new Topics("edge-voice", "kitchen", "homeassistant"),
      control,
      () => {},
      logger,
      undefined,
      { admit: () => true, invalid: () => invalid++ },
    );
    const send = (payload: string) =>
      handler.handle("edge-voice/kitchen/set/text", Buffer.from(payload), {
        retain: false,
      } as IPublishPacket);
    const refused = [
      "[1,2]",
      ' ["turn on the lamp"] ',
      "5",
      '"turn on the lamp"',
      "null",
      "true",
      "[1,",
      '{"text":["a"]}',
    ];
    for (const payload of refused) send(payload);
    send("turn on the lamp [kitchen]");
    send('{"text":"lock the door"}');
    expect(control.injected).toEqual(["turn on the lamp [kitchen]", "lock the door"]);
    expect(invalid).toBe(refused.length);
    const warned = lines.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warned.slice(0, 3)).toEqual([
      'ignored a control message: expected plain text or {"text": "..."}, got a JSON list: "[1,2]"',
      'ignored a control message: expected plain text or {"text": "..."}, got a JSON list: " [\\"turn on the lamp\\"] "',
      'ignored a control message: expected plain text or {"text": "..."}, got a JSON number: "5"',
    ]);
    expect(warned[6]).toMatch(/got JSON that does not parse: "\[1,"$/);
  });

  it("set/text [1,2] is an input-rejected event (invalid) on the bus, as other bad text", () => {
    const { events, control, handler } = textRejections();
    handler.handle("edge-voice/kitchen/set/text", Buffer.from("[1,2]"), { retain: false } as IPublishPacket);
    expect(control.injected).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({ type: "input-rejected", source: "text", reason: "invalid", count: 1 }),
    ]);
  });

  it("a Hermes toggle whose siteId is not a string is reported, not taken for another site", () => {
    const control = new RecordingControl();
    const { logger, lines } = captureLogger("debug");
    const handler = new ControlIn(
      new Topics("edge-voice", "kitchen", "homeassistant"),
      control,
      () => {},
      logger,
    );
    const send = (payload: string) =>
      handler.handle("hermes/hotword/toggleOff", Buffer.from(payload), { retain: false } as IPublishPacket);
    send('{"siteId":5}');
    send('{"siteId":"bedroom"}');
    expect(control.wakeEnabled).toBe(true);
    expect(lines.find((l) => l.level === 40)).toMatchObject({
      code: "control-invalid",
      msg: 'ignored a control message: expected "siteId" to be a string, got "5"',
    });
    expect(lines.find((l) => l.level === 20 && l.siteId === "bedroom")?.msg).toMatch(/not this board's/);
  });
});

/** A kitchen board's control handler with set/text rate-limited on a bus whose events are kept. */
function textRejections(): { events: PipelineEvent[]; control: RecordingControl; handler: ControlIn } {
  const bus = testBus();
  const events: PipelineEvent[] = [];
  bus.onAny((event) => events.push(event));
  const control = new RecordingControl();
  const handler = new ControlIn(
    new Topics("edge-voice", "kitchen", "homeassistant"),
    control,
    () => {},
    silentLogger(),
    undefined,
    textRateLimit(validate({ site: "kitchen" }), bus),
  );
  return { events, control, handler };
}
