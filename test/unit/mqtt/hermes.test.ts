import { describe, expect, it } from "vitest";
import { EventBus } from "../../../src/events/bus.js";
import type { EventInput } from "../../../src/events/types.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";
import { hotwordDetected, intentMessage, textCaptured, wakeSensitivity } from "../../../src/mqtt/hermes.js";
import type { OutboxInput } from "../../../src/mqtt/outbox.js";
import type { RetainedState } from "../../../src/mqtt/retained.js";
import type { OutboxSender } from "../../../src/mqtt/sender.js";
import { Telemetry } from "../../../src/mqtt/telemetry.js";
import { Topics } from "../../../src/mqtt/topics.js";
import { PipelineMetrics } from "../../../src/observability/metrics.js";
import { mqttConfig } from "../../support/mqtt-harness.js";

/** Issue 13 item 14: what Node-RED flows and Rhasspy apps expect of Rhasspy 2.5's Hermes messages. */

const run = { wakeWord: "hey_jarvis", text: "Set the kitchen light to 50%.", language: "en" };

describe("Hermes payloads as Rhasspy 2.5 sends them", () => {
  it("hotword currentSensitivity is the configured threshold or sensitivity, not the score", () => {
    const event = {
      type: "wake_word-end",
      runId: "r",
      wakeWord: "hey_jarvis",
      score: 0.97,
      audioMs: 1,
      t: 0,
    } as const;
    const openWakeWord = mqttConfig({ wake: { models: [{ id: "hey_jarvis", threshold: 0.6 }] } });
    expect(hotwordDetected("kitchen", event, wakeSensitivity(openWakeWord, "hey_jarvis"))).toMatchObject({
      currentSensitivity: 0.6,
    });
    const porcupine = mqttConfig({
      wake: {
        engine: "porcupine",
        porcupine: { access_key: "k", keywords: [{ keyword: "jarvis", sensitivity: 0.7 }] },
      },
    });
    expect(wakeSensitivity(porcupine, "jarvis")).toBe(0.7);
  });

  it("textCaptured: likelihood from Whisper's token probability, seconds the transcription took", () => {
    const message = textCaptured(
      "kitchen",
      { type: "stt-end", runId: "r", text: "hi", language: "en", ms: 15, sttMs: 420, confidence: 0.83, t: 0 },
      run,
    );
    expect(message).toMatchObject({ likelihood: 0.83, seconds: 0.42 });
  });

  it("intent: input normalized, rawInput as said, customEntities present, numbers typed Number", () => {
    const message = intentMessage(
      "kitchen",
      {
        type: "intent-end",
        runId: "r",
        intent: "HassLightSet",
        targets: [],
        slots: { brightness: "50", name: "kitchen light" },
        source: "template",
        ms: 1,
        t: 0,
      },
      run,
      new DeviceRegistry(),
    );
    expect(message).toMatchObject({ input: "set the kitchen light to 50 percent", rawInput: run.text });
    expect(message).toHaveProperty("customEntities", null);
    expect(message.slots.find((s) => s.slotName === "brightness")?.value).toEqual({
      kind: "Number",
      value: 50,
    });
    expect(message.slots.find((s) => s.slotName === "name")?.value).toEqual({
      kind: "Custom",
      value: "kitchen light",
    });
  });
});

describe("a confirmation's follow-up", () => {
  function telemetry() {
    const bus = new EventBus();
    const sent: OutboxInput[] = [];
    const sender = { enqueue: (input: OutboxInput) => sent.push(input) } as unknown as OutboxSender;
    const retained = { set: () => {} } as unknown as RetainedState;
    new Telemetry({
      bus,
      sender,
      retained,
      registry: new DeviceRegistry(),
      topics: new Topics("edge-voice", "hall", "homeassistant"),
      hermes: true,
      expirySeconds: 10,
      now: () => 0,
    }).start();
    const metrics = new PipelineMetrics({ site: "hall", processMetrics: false }).attach(bus);
    const emit = (input: EventInput) => bus.emit(input);
    return { sent, emit, metrics };
  }
  const unlock = { intent: "HassTurnOff", targets: ["front_door"] };

  it("the confirmed intent's input is the original request, not the yes", () => {
    const { sent, emit } = telemetry();
    emit({ type: "run-start", runId: "r1", site: "hall", trigger: "wake-word" });
    emit({ type: "stt-end", runId: "r1", text: "Unlock the front door.", language: "en", ms: 1 });
    emit({ type: "intent-rejected", runId: "r1", reason: "needs-confirmation", ...unlock });
    emit({ type: "run-end", runId: "r1", outcome: "rejected", ms: 1 });
    emit({ type: "run-start", runId: "r2", site: "hall", trigger: "follow-up" });
    emit({ type: "stt-end", runId: "r2", text: "Yes.", language: "en", ms: 1 });
    emit({ type: "intent-end", runId: "r2", ...unlock, slots: {}, source: "template", ms: 1 });
    const hermes = sent.find((m) => m.topic === "hermes/intent/HassTurnOff");
    expect(JSON.parse(hermes?.payload ?? "{}")).toMatchObject({
      input: "unlock the front door",
      rawInput: "Unlock the front door.",
      sessionId: "r2",
    });
  });

  it("a guess asked back and confirmed: the input is the guessed sentence, not what Whisper wrote", () => {
    const { sent, emit } = telemetry();
    const off = { intent: "HassTurnOff", targets: ["kitchen_light"] };
    emit({ type: "run-start", runId: "r1", site: "hall", trigger: "wake-word" });
    emit({ type: "stt-end", runId: "r1", text: "I'm so tired.", language: "en", ms: 1 });
    const guessed = "Turn off the kitchen light.";
    emit({ type: "intent-rejected", runId: "r1", reason: "needs-confirmation", ...off, guessed });
    emit({ type: "run-end", runId: "r1", outcome: "rejected", ms: 1 });
    emit({ type: "run-start", runId: "r2", site: "hall", trigger: "follow-up" });
    emit({ type: "stt-end", runId: "r2", text: "Yes.", language: "en", ms: 1 });
    emit({ type: "intent-end", runId: "r2", ...off, slots: {}, source: "template", ms: 1 });
    const hermes = sent.find((m) => m.topic === "hermes/intent/HassTurnOff");
    expect(JSON.parse(hermes?.payload ?? "{}")).toMatchObject({ rawInput: guessed, sessionId: "r2" });
  });

  it("a follow-up that hears nothing is not a false wake", () => {
    const { emit, metrics } = telemetry();
    emit({ type: "run-start", runId: "r1", site: "hall", trigger: "follow-up" });
    emit({ type: "run-end", runId: "r1", outcome: "no-speech", ms: 8000 });
    emit({ type: "run-start", runId: "r2", site: "hall", trigger: "wake-word" });
    emit({ type: "run-end", runId: "r2", outcome: "no-speech", ms: 5000 });
    expect(metrics.snapshot().false_wakes["no-speech"]).toBe(1);
  });
});
