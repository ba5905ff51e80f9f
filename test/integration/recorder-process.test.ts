import { afterAll, describe, expect, it } from "vitest";
import { RecorderProcess, resolveRecorder } from "../../src/audio/recorder-process.js";
import { installFakeRecorder } from "../support/fake-recorder.js";
import { isRunning } from "../support/processes.js";
import { waitFor } from "../support/wait-for.js";
import { tempDir } from "../unit/audio/helpers.js";

const tmp = tempDir("recorder");
afterAll(() => tmp.remove());

describe("RecorderProcess", () => {
  it("stops a recorder whose output is paused because nobody reads it", async () => {
    const fake = installFakeRecorder(tmp.dir, [{ flood: true }]);
    const session = new RecorderProcess({
      recorder: fake.module,
      device: "default",
      sampleRate: 16000,
      channels: 1,
    });
    // Read a little, then fall behind until the queue is full and the stream paused.
    let read = 0;
    while (read < 400_000) read += (await session.next())?.length ?? Number.POSITIVE_INFINITY;
    await waitFor(() => session.paused, { what: "the recorder's output to be paused" });
    await session.stop();
    expect(session.exitReason).toMatch(/killed by SIGTERM/);
    const [start] = fake.starts();
    expect(start && isRunning(start.pid)).toBe(false);
    await session.stop(); // idempotent
  });

  it("picks arecord on Linux and sox elsewhere for 'auto'", () => {
    expect(resolveRecorder("auto", "linux")).toBe("arecord");
    expect(resolveRecorder("auto", "darwin")).toBe("sox");
    expect(resolveRecorder("sox", "linux")).toBe("sox");
  });
});
