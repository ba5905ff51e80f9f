import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/schema.js";
import { type Observability, startObservability } from "../../../src/observability/observability.js";
import { testBus } from "../../support/bus.js";

let running: Observability[] = [];
afterEach(async () => {
  for (const o of running) await o.dispose();
  running = [];
});

async function start(metrics: Record<string, unknown>) {
  const bus = testBus();
  const o = await startObservability({ config: configSchema.parse({ site: "hall", metrics }), bus });
  running.push(o);
  return { bus, o };
}

describe("startObservability", () => {
  it("counts events without an endpoint when metrics.port is null", async () => {
    const { bus, o } = await start({});
    expect(o.server).toBeNull();
    bus.emit({ type: "wake_word-end", runId: "r", wakeWord: "hey_jarvis", score: 1, audioMs: 0 });
    expect(o.snapshot()).toMatchObject({ site: "hall", wakes: 1 });
  });

  it("serves the endpoint on metrics.port and stops it on dispose (twice is fine)", async () => {
    const { o } = await start({ port: 0 });
    const port = o.server?.port ?? 0;
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    await o.dispose();
    await o.dispose();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it("a taken port is a config error", async () => {
    const { o } = await start({ port: 0 });
    await expect(start({ port: o.server?.port })).rejects.toMatchObject({
      code: "config-invalid",
      exitCode: 78,
    });
  });
});
