import type { Config } from "../../src/config/schema.js";
import type { PipelineEvent } from "../../src/events/types.js";
import { createIntentHandler } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import { BaseServer } from "../../src/mqtt/base-server.js";
import { MqttService } from "../../src/mqtt/service.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { silentLogger } from "../../src/util/logger.js";
import { testBus } from "./bus.js";
import { FakeTranscriber, FakeVad, FakeWake, quietListening } from "./fake-stages.js";
import { tempDir } from "./mqtt-harness.js";

/**
 * A base in the test process (role base, site pi5): a fake transcriber (set its `text` for the
 * next command), the real intent stage and MQTT service of `config`'s devices, and the real
 * base server, serving satellites on the broker of `config` as `daemon/satellite.ts` does.
 * Call `firstAttempt` before a satellite speaks.
 */
export interface TestBase {
  config: Config;
  server: BaseServer;
  transcriber: FakeTranscriber;
  events: PipelineEvent[];
  stop(): Promise<void>;
}

export async function startTestBase(config: Config, text: string): Promise<TestBase> {
  const bus = testBus();
  const events: PipelineEvent[] = [];
  bus.onAny((event) => events.push(event));
  const registry = new DeviceRegistry(config.devices);
  const logger = silentLogger();
  const service = MqttService.create({ config, bus, registry, stateDir: tempDir("base"), logger });
  const transcriber = new FakeTranscriber(text);
  const pipeline = new Pipeline({
    site: config.site,
    area: config.area,
    bus,
    wake: new FakeWake([]),
    vad: new FakeVad([]),
    transcriber,
    intent: await createIntentHandler(config, registry, logger),
    commands: service.commands,
    ...quietListening(),
  });
  await service.start({ control: pipeline });
  const server = BaseServer.start({
    config,
    logger,
    serve: (session) => {
      const { site, id, audio, start } = session;
      const { area, wakeWord, score, previousRunId } = start;
      const follow = previousRunId ? { previousRunId } : {};
      const command = { id, site, area, wakeWord, score, audio, ...follow };
      const { run, ended, followUpSeconds } = pipeline.satelliteRun(command);
      return { ended, abort: () => run.abort(), followUpSeconds };
    },
  });
  await server.firstAttempt(10_000);
  return {
    config,
    server,
    transcriber,
    events,
    stop: async () => {
      await server.stop();
      await service.stop();
    },
  };
}
