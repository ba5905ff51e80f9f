import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { Probe, removeTempDirs, tempDir, until } from "../support/mqtt-harness.js";
import { CEILING_MS } from "../support/wait-for.js";

afterAll(removeTempDirs);

describe("availability with a last will (real Mosquitto, real child process)", () => {
  const broker = mosquittoAroundTests();

  // Starting the child compiles it with tsx first, which takes a while on a busy machine.
  it("shows online while the daemon runs and offline (retained) right after kill -9", {
    timeout: 180_000,
  }, async () => {
    const probe = await Probe.connect(broker.url, ["edge-voice/will/status"]);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/support/mqtt-child.ts", broker.url, "will", tempDir("will")],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await until(
        () => output.includes("connected"),
        4 * CEILING_MS,
        () => `child said ${JSON.stringify(output)}`,
      );
      await probe.waitFor((m) => m.at(-1)?.payload === "online");
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      // No clean DISCONNECT was sent, and the child's keepalive is an hour: only the broker's last
      // will, sent when the killed process's connection closed, can say "offline" within the test.
      await probe.waitFor((m) => m.at(-1)?.payload === "offline");
      const late = await Probe.connect(broker.url, ["edge-voice/will/status"]);
      await late.waitFor((m) => m.some((x) => x.payload === "offline" && x.retain));
      await late.close();
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await probe.close();
    }
    expect(output.trim()).toBe("connected");
  });
});
