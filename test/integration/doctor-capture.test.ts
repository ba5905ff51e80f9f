import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { checkMicrophone } from "../../src/doctor/checks-audio.js";
import { systemProbes } from "../../src/doctor/probes.js";
import { isRunning } from "../support/processes.js";

/**
 * The doctor's microphone check through the real probe (the daemon's RecorderProcess spawning
 * `arecord`), with stand-in arecord programs first on $PATH: one that streams noise like a
 * live microphone, one that streams digital silence (a muted capture control), one that fails
 * to open the device as arecord does.
 */
let bin: string;
const savedPath = process.env.PATH;

beforeAll(() => {
  bin = mkdtempSync(path.join(os.tmpdir(), "edge-voice-fake-arecord-"));
});
afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(bin, { recursive: true, force: true });
});

function fakeArecord(body: string): void {
  const file = path.join(bin, "arecord");
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
}

async function check(device = "plughw:CARD=Device,DEV=0") {
  const config = configSchema.parse({ audio: { device, recorder: "arecord" } });
  const results = await checkMicrophone({
    probes: systemProbes({ cwd: process.cwd(), env: process.env }, config),
    config,
  });
  return results[0];
}

describe.skipIf(process.platform !== "linux")("doctor's microphone check with a stand-in arecord", () => {
  it("passes with a microphone that delivers sound", async () => {
    // 2 s of 16 kHz s16 noise, then it keeps the device open like a live capture.
    fakeArecord("head -c 64000 /dev/urandom; exec sleep 30");
    const result = await check();
    expect(result).toMatchObject({ status: "pass" });
    expect(result?.detail).toMatch(/opens and delivers audio \(level -\d+ dBFS over \d\.\d s\)/);
  });

  it("warns about digital silence", async () => {
    fakeArecord("head -c 64000 /dev/zero; exec sleep 30");
    expect(await check()).toMatchObject({ status: "warn", detail: expect.stringMatching(/digital silence/) });
  });

  it("fails with arecord's own message when the device does not open", async () => {
    fakeArecord('echo "arecord: main:831: audio open error: No such file or directory" >&2; exit 1');
    const result = await check("plughw:CARD=Nope,DEV=0");
    expect(result).toMatchObject({ status: "fail" });
    expect(result?.detail).toMatch(
      /"plughw:CARD=Nope,DEV=0" did not open: .*audio open error: No such file or directory/,
    );
  });

  it("fails when the device opens but no audio comes, and stops the recorder it gave up on", async () => {
    // Holds the device open and silent far longer than the test may run: only the check's own
    // deadline can end the wait (were it to wait for arecord instead, this test would time out).
    const pidFile = path.join(bin, "arecord.pid");
    fakeArecord(`echo $$ > "${pidFile}"; exec sleep 3600`);
    const result = await check();
    expect(result).toMatchObject({ status: "fail", detail: expect.stringMatching(/no audio within 8 s/) });
    // The check ended the recording: no arecord is left holding the microphone.
    expect(isRunning(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });
});
