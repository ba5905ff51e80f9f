import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/load.js";
import { EventBus } from "../../../src/events/bus.js";
import type { EventInput } from "../../../src/events/types.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";
import type { OutboxInput } from "../../../src/mqtt/outbox.js";
import type { RetainedState } from "../../../src/mqtt/retained.js";
import type { OutboxSender } from "../../../src/mqtt/sender.js";
import { Telemetry } from "../../../src/mqtt/telemetry.js";
import { Topics } from "../../../src/mqtt/topics.js";

const devices = validate({
  devices: [{ id: "kitchen_light", name: "kitchen light", domain: "light", command_topic: "k/set" }],
}).devices;

function telemetry(hermes = true) {
  const bus = new EventBus();
  const sent: OutboxInput[] = [];
  const sender = { enqueue: (input: OutboxInput) => sent.push(input) } as unknown as OutboxSender;
  const retained = { set: () => {} } as unknown as RetainedState;
  new Telemetry({
    bus,
    sender,
    retained,
    registry: new DeviceRegistry(devices),
    topics: new Topics("edge-voice", "kitchen", "homeassistant"),
    hermes,
    expirySeconds: 10,
    now: () => 0,
  }).start();
  const emit = (input: EventInput) => bus.emit(input);
  const said = () =>
    sent
      .filter((m) => m.topic === "hermes/tts/say")
      .map((m) => JSON.parse(m.payload) as Record<string, unknown>);
  return { sent, emit, said };
}

describe("every reply on hermes/tts/say", () => {
  it("an answer: its speech, with the run as id and session, and the language heard", () => {
    const { emit, said, sent } = telemetry();
    emit({ type: "run-start", runId: "r1", site: "kitchen", trigger: "wake-word" });
    emit({ type: "stt-end", runId: "r1", text: "What time is it?", language: "en", ms: 1 });
    const end = { intent: "HassGetCurrentTime", targets: [], slots: {}, source: "template" as const, ms: 1 };
    emit({ type: "intent-end", runId: "r1", ...end, speech: "it's 3:45 PM" });
    expect(said()).toEqual([]);
    emit({ type: "run-end", runId: "r1", outcome: "answered", ms: 5 });
    expect(said()).toEqual([
      { text: "it's 3:45 PM", siteId: "kitchen", lang: "en", id: "r1", sessionId: "r1" },
    ]);
    // The project's own event carries it too.
    const event = sent.find((m) => m.topic === "edge-voice/kitchen/event/intent-end");
    expect(JSON.parse(event?.payload ?? "{}")).toMatchObject({ speech: "it's 3:45 PM" });
  });

  it("a command's confirmation once delivered; a refusal; nothing after a false wake", () => {
    const { emit, said } = telemetry();
    const on = {
      intent: "HassTurnOn",
      targets: ["kitchen_light"],
      slots: {},
      source: "template" as const,
      ms: 1,
    };
    emit({ type: "run-start", runId: "r1", site: "kitchen", trigger: "text" });
    emit({ type: "intent-end", runId: "r1", ...on });
    emit({ type: "run-end", runId: "r1", outcome: "published", ms: 5 });
    emit({ type: "run-start", runId: "r2", site: "kitchen", trigger: "text" });
    emit({ type: "intent-end", runId: "r2", ...on });
    emit({ type: "run-end", runId: "r2", outcome: "dropped", ms: 5 });
    emit({ type: "run-start", runId: "r3", site: "kitchen", trigger: "wake-word" });
    emit({ type: "intent-rejected", runId: "r3", reason: "not-recognized" });
    emit({ type: "run-end", runId: "r3", outcome: "rejected", ms: 5 });
    emit({ type: "run-start", runId: "r4", site: "kitchen", trigger: "wake-word" });
    emit({ type: "run-end", runId: "r4", outcome: "no-speech", ms: 5 });
    expect(said().map((m) => [m.id, m.text])).toEqual([
      ["r1", "kitchen light on"],
      ["r2", "sorry, I couldn't send that"],
      ["r3", "sorry, I didn't get that"],
    ]);
  });

  it("is off with mqtt.hermes", () => {
    const { emit, said } = telemetry(false);
    emit({ type: "run-start", runId: "r1", site: "kitchen", trigger: "text" });
    emit({
      type: "intent-end",
      runId: "r1",
      intent: "HassGetCurrentDate",
      targets: [],
      slots: {},
      source: "template",
      ms: 1,
      speech: "it's Wednesday, December 2",
    });
    emit({ type: "run-end", runId: "r1", outcome: "answered", ms: 5 });
    expect(said()).toEqual([]);
  });
});
