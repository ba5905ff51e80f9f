import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { SatelliteLink } from "../../src/mqtt/satellite-link.js";
import { silentLogger } from "../../src/util/logger.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { boardConfig } from "../support/satellites.js";

/**
 * A satellite's first word about its base must be the broker's retained status, not "never
 * heard": a command taken between the topic's grant and the retained status was refused as if
 * no base had ever run (a file's wake word 40 ms after connecting, with the base online).
 */
const broker = mosquittoAroundTests();
const links: SatelliteLink[] = [];
afterEach(async () => {
  for (const link of links.splice(0)) await link.stop();
});

async function retainStatus(base: string, state: "online" | "offline"): Promise<void> {
  const client = await mqtt.connectAsync(broker.url);
  const status = { v: 1, site: base, state, heartbeatMs: 60_000, beat: 1 };
  await client.publishAsync(`edge-voice/base/${base}/status`, JSON.stringify(status), {
    qos: 1,
    retain: true,
  });
  await client.endAsync();
}

function startLink(base: string): SatelliteLink {
  const config = boardConfig(broker.url, "kitchen", { role: "satellite", satellite: { base } });
  const link = SatelliteLink.start({ config, logger: silentLogger() });
  links.push(link);
  return link;
}

describe("a satellite's start knows its base", () => {
  it.each(["online", "offline"] as const)(
    "a retained %s status is known once the first attempt is over",
    async (state) => {
      const base = `base-${state}`;
      await retainStatus(base, state);
      const link = startLink(base);
      await link.firstAttempt(10_000);
      const known = link.baseState().state;
      expect(known).toEqual(state === "online" ? { alive: true } : { alive: false, why: "offline" });
    },
  );

  it("no base ever: 'never heard', after a short wait for a status that does not come", async () => {
    const link = startLink("nobody");
    await link.firstAttempt(10_000);
    expect(link.baseState().state).toEqual({ alive: false, why: "never" });
  });
});
