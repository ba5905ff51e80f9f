import { afterAll, beforeAll } from "vitest";
import { Mosquitto, type MosquittoOptions } from "./mosquitto.js";

/** What the tests use of a broker started in beforeAll: it reads through to it. */
export type BrokerHandle = Pick<Mosquitto, "url" | "port" | "tlsPort" | "pid" | "stop" | "restart">;

/**
 * One real Mosquitto for the tests of this file (or describe block): started in beforeAll,
 * disposed in afterAll. The handle can be named before the broker exists (in closures, in
 * later hooks) as the broker itself would be. `options` may be a function, for options made
 * in an earlier hook or on the spot (an ACL file in a temp dir).
 */
export function mosquittoAroundTests(
  options: MosquittoOptions | (() => MosquittoOptions) = {},
): BrokerHandle {
  let broker: Mosquitto | null = null;
  const started = (): Mosquitto => {
    if (!broker) throw new Error("the test broker starts in beforeAll: use it in a hook or a test");
    return broker;
  };
  beforeAll(async () => {
    broker = await Mosquitto.start(typeof options === "function" ? options() : options);
  });
  afterAll(async () => {
    await broker?.dispose();
    broker = null;
  });
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    get tlsPort() {
      return started().tlsPort;
    },
    get pid() {
      return started().pid;
    },
    stop: () => started().stop(),
    restart: () => started().restart(),
  };
}
