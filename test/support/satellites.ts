import type { Config } from "../../src/config/schema.js";
import type { PipelineEvent } from "../../src/events/types.js";
import { SatelliteLink } from "../../src/mqtt/satellite-link.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { silentLogger } from "../../src/util/logger.js";
import { testBus } from "./bus.js";
import {
  FakeCommands,
  FakeIntent,
  FakeTranscriber,
  FakeVad,
  FakeWake,
  frameGap,
  quietListening,
  silentFrames,
} from "./fake-stages.js";
import type { ManualTimers } from "./manual-timers.js";
import { mqttConfig } from "./mqtt-harness.js";
import { waitFor } from "./wait-for.js";

/** A home of two lights and a simulated kitchen satellite, for the satellite/base tests. */

const S = 16000;

export const devices = [
  {
    id: "kitchen_light",
    name: "kitchen light",
    area: "kitchen",
    domain: "light",
    command_topic: "home/kitchen_light/set",
    schema: "default",
  },
  {
    id: "hall_light",
    name: "hall light",
    area: "hallway",
    domain: "light",
    command_topic: "home/hall_light/set",
  },
];

export function boardConfig(url: string, site: string, extra: Record<string, unknown>): Config {
  return mqttConfig({
    site,
    devices,
    mqtt: { url, reconnect_min_seconds: 0.1, reconnect_max_seconds: 1 },
    ...extra,
  } as never);
}

export interface Satellite {
  link: SatelliteLink;
  pipeline: Pipeline;
  transcriber: FakeTranscriber;
  intent: FakeIntent;
  events: PipelineEvent[];
  replies: string[];
  position: number;
}

export function satelliteConfig(url: string): Config {
  return boardConfig(url, "kitchen", {
    role: "satellite",
    area: "kitchen",
    satellite: { base: "pi5", answer_timeout_seconds: 5 },
  });
}

export function startSatellite(url: string, timers?: ManualTimers): Satellite {
  const config = satelliteConfig(url);
  const bus = testBus();
  const events: PipelineEvent[] = [];
  bus.onAny((event) => events.push(event));
  const replies: string[] = [];
  const link = SatelliteLink.start({
    config,
    logger: silentLogger(),
    ...(timers ? { timer: timers.timer } : {}),
    onReply: (text) => replies.push(text),
  });
  // Each command: the wake word at 1 s of its 6 s, speech from 1.2 s to 2.5 s.
  const wakes = [0, 1, 2, 3].map((i) => (i * 6 + 1) * S);
  const speech = [0, 1, 2, 3].map((i): [number, number] => [(i * 6 + 1.2) * S, (i * 6 + 2.5) * S]);
  const transcriber = new FakeTranscriber("never asked");
  const intent = new FakeIntent({});
  const pipeline = new Pipeline({
    site: "kitchen",
    area: "kitchen",
    bus,
    wake: new FakeWake(wakes),
    vad: new FakeVad(speech),
    transcriber,
    intent,
    commands: new FakeCommands(),
    remote: link,
    ...quietListening(),
  });
  return { link, pipeline, transcriber, intent, events, replies, position: 0 };
}

/** Feeds the satellite its next command's 6 s and waits for that run's end. */
export async function speak(satellite: Satellite): Promise<Extract<PipelineEvent, { type: "run-end" }>> {
  const from = satellite.position;
  satellite.position += 6 * S;
  for (const frame of silentFrames(satellite.position / S, from)) {
    await satellite.pipeline.process(frame);
    await frameGap();
  }
  const starts = satellite.events.filter((e) => e.type === "run-start");
  const runId = starts.at(-1)?.runId;
  return waitFor(
    () =>
      satellite.events.find((e) => e.type === "run-end" && e.runId === runId) as Extract<
        PipelineEvent,
        { type: "run-end" }
      >,
    { what: () => `the satellite's run-end; events: ${satellite.events.map((e) => e.type).join(", ")}` },
  );
}
