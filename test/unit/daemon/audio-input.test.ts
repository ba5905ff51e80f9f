import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/load.js";
import { AudioInput } from "../../../src/daemon/audio.js";
import type { MicrophoneSupervisor } from "../../../src/daemon/microphone.js";
import { silentLogger } from "../../../src/util/logger.js";
import { testBus } from "../../support/bus.js";

describe("AudioInput on stdin", () => {
  it("a stop releases a stdin pipe that is still open, so the process can exit", async () => {
    // `arecord ... | edge-voice run --input -` then SIGTERM: the pipe stays open, and a stream
    // left reading kept the process alive after "stopped" until the deadline (exit 1).
    const stdin = new PassThrough();
    const input = new AudioInput({
      bus: testBus(),
      logger: silentLogger(),
      microphone: { stop() {}, onState() {} } as unknown as MicrophoneSupervisor,
      input: "-",
      stdin,
    });
    await input.start({ config: validate({}) });
    stdin.write(Buffer.alloc(1280 * 2 * 3)); // three 80 ms frames of raw s16le silence
    const frames: number[] = [];
    for await (const frame of input.frames()) {
      frames.push(frame.startSample);
      if (frames.length === 2) await input.stop();
    }
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(stdin.destroyed).toBe(true);
  });
});
