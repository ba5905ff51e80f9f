import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configChanges } from "../../src/config/changes.js";
import { type Config, configSchema } from "../../src/config/schema.js";
import { FeedbackService, RecordingsService } from "../../src/daemon/attachments.js";
import { PipelineService } from "../../src/daemon/pipeline-service.js";
import { planReload } from "../../src/daemon/reload.js";
import type { PipelineEvent } from "../../src/events/types.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import { silentLogger } from "../../src/util/logger.js";
import { testBus } from "../support/bus.js";
import { removeTempDirs, tempDir } from "../support/mqtt-harness.js";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * SIGHUP between roles with the real models: a standalone board turned satellite releases
 * Whisper and the intent stage (text is then refused), and `satellite.fallback: local` loads
 * them again (text is understood again), the pipeline kept throughout.
 */
describe("reloading a board into a satellite and back", () => {
  afterAll(() => removeTempDirs());

  it("drops and loads Whisper and the intents with the role and the fallback", async () => {
    const bus = testBus();
    const events: PipelineEvent[] = [];
    bus.onAny((event) => events.push(event));
    const registry = new DeviceRegistry();
    const logger = silentLogger();
    const service = new PipelineService({
      bus,
      registry,
      logger,
      io: { cwd: ROOT, env: process.env },
      feedback: new FeedbackService(bus, registry, logger),
      recordings: new RecordingsService(logger),
    });
    const state_dir = tempDir("reload");
    const standalone = configSchema.parse({ state_dir });
    const satellite = configSchema.parse({ state_dir, role: "satellite", satellite: { base: "pi5" } });
    const local = configSchema.parse({
      state_dir,
      role: "satellite",
      satellite: { base: "pi5", fallback: "local" },
    });
    const reload = (before: Config, after: Config) =>
      service.reload({ config: after }, planReload(service.units, configChanges(before, after)));
    await service.start({ config: standalone });
    try {
      const pipeline = service.pipeline;
      await pipeline.handleText("what time is it");
      expect(events.filter((e) => e.type === "intent-end")).toHaveLength(1);

      await reload(standalone, satellite);
      expect(pipeline.injectText("what time is it")).toBe(false);
      expect(events.at(-1)).toMatchObject({ type: "input-rejected", reason: "no-intent-stage" });

      await reload(satellite, local);
      await pipeline.handleText("what time is it");
      expect(events.filter((e) => e.type === "intent-end")).toHaveLength(2);
    } finally {
      await service.stop();
    }
  }, 180_000);
});
