import { describe, expect, it } from "vitest";
import { runSetup, S } from "../support/pipeline-setup.js";

/** A satellite's finished command, as the base's server hands it to the pipeline. */
const command = (id: string, site: string) => ({
  id,
  site,
  area: site,
  wakeWord: "hey_jarvis",
  score: 0.9,
  audio: new Int16Array(2 * S),
});

describe("role base: each satellite's conversation is its own", () => {
  it("a satellite's next command sees what its last one did; another satellite's does not", async () => {
    const base = runSetup();
    const first = base.pipeline.satelliteRun(command("k1", "kitchen"));
    expect(await first.ended).toBe("published");
    const again = base.pipeline.satelliteRun(command("k2", "kitchen"));
    expect(await again.ended).toBe("published");
    const other = base.pipeline.satelliteRun(command("h1", "hallway"));
    expect(await other.ended).toBe("published");

    const [firstContext, againContext, otherContext] = base.intent.contexts;
    expect(firstContext?.previous).toBeUndefined();
    expect(againContext?.previous).toMatchObject({ runId: "k1", intent: { intent: "HassTurnOn" } });
    expect(otherContext?.site).toBe("hallway");
    expect(otherContext?.previous).toBeUndefined();
  });

  it("the base's own microphone does not take a satellite's conversation", async () => {
    const base = runSetup();
    expect(await base.pipeline.satelliteRun(command("k1", "kitchen")).ended).toBe("published");
    await base.feed(0, 4);
    const own = base.intent.contexts.at(-1);
    expect(base.intent.contexts).toHaveLength(2);
    expect(own?.site).toBe("kitchen");
    expect(own?.previous).toBeUndefined();
  });
});
