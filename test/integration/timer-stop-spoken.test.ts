import path from "node:path";
import type { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDaemon } from "../support/daemon-process.js";
import { FakePrograms } from "../support/fake-programs.js";
import { writeHomeConfig } from "../support/home-config.js";
import { removeTempDirs, tempDir } from "../support/mqtt-harness.js";
import { PacedStdin } from "../support/paced-stdin.js";

const MINUTE = 60_000;

/**
 * Issue 15: "stop" said without the wake word while a timer rings, through the whole daemon
 * with the real models. The input is a pipe written in real time (the timer and the ringing
 * run on wall time): "hey jarvis, set a timer for five seconds", silence while it runs, and
 * "stop" as soon as the first ring's listening pause opens. The ringer plays through
 * stand-in players (there is no sound card here).
 */
describe("stop, spoken while a timer rings (real models)", () => {
  const fakes = new FakePrograms();
  let config: string;

  beforeAll(() => {
    config = writeHomeConfig(tempDir("timer-stop"), { timers: { ring_pause_seconds: 4 } });
  });

  afterAll(() => {
    fakes.dispose();
    removeTempDirs();
  });

  it("ends the ringing: a follow-up run, HassNevermind, 'okay'", async () => {
    const env = { ...fakes.env, PATH: `${fakes.dir}${path.delimiter}${process.env.PATH}` };
    const daemon = startDaemon(
      ["run", "--config", config, "--input", "-", "--events", "json", "--no-mqtt"],
      env,
    );
    const mic = new PacedStdin(daemon.child.stdin as Writable).start();
    try {
      mic.say([
        { silence: 1 },
        { say: "hey jarvis", speed: 125 },
        { silence: 0.4 },
        { say: "set a timer for five seconds" },
      ]);
      const started = await daemon.waitFor((e) => e.type === "timer-started", 2 * MINUTE);
      const finished = await daemon.waitFor((e) => e.type === "timer-finished", MINUTE);
      const at = daemon.events.indexOf(finished);
      const window = await daemon.waitFor(
        (e) => e.type === "run-start" && e.trigger === "follow-up" && daemon.events.indexOf(e) > at,
        MINUTE,
      );
      mic.say([{ say: "stop" }]);
      const end = await daemon.waitFor((e) => e.type === "run-end" && e.runId === window.runId, MINUTE);
      mic.end();
      expect(await daemon.exited, daemon.stderr()).toBe(0);
      const heard = daemon.events.filter((e) => e.type === "stt-end");
      const intent = daemon.events.find((e) => e.type === "intent-end" && e.runId === window.runId);
      expect(intent, JSON.stringify(heard)).toMatchObject({ intent: "HassNevermind", speech: "okay" });
      expect(end).toMatchObject({ outcome: "answered" });
      expect(started).toMatchObject({ timer: { seconds: 5 } });
      // The skill said "okay" because a ringing was stopped; the log says so, and not that it ran out.
      expect(daemon.stderr()).toContain("timers: ringing stopped");
      expect(daemon.stderr()).not.toContain("nobody stopped the ringing");
      // It rang (a chime and the words, through the stand-in player) before it was stopped.
      const spoken = fakes
        .calls()
        .filter((c) => c.program === "aplay" && c.stdin.subarray(0, 4).toString() !== "RIFF");
      expect(spoken.map((c) => c.stdin.toString())).toContain("SPEECH:your 5 second timer is done");
    } finally {
      mic.end();
      daemon.child.kill();
    }
  });
});
