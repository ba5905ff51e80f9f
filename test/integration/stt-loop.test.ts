import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { ModelStore } from "../../src/models/store.js";
import { createTranscriber } from "../../src/stt/create.js";
import type { Transcriber } from "../../src/stt/transcriber.js";
import { createLogger } from "../../src/util/logger.js";
import { concat, defaultPreparedDir, fixtureAudio, MISHEARD_WITH } from "./stt-support.js";

/**
 * A real repetition loop: whisper-tiny (int8, pinned; its layers in int8, MISHEARD_WITH) answers these three fixtures run
 * together with "and the amount of the amount of the amount of ..." until the token budget
 * (transformers.js's pipeline goes on for all 448 tokens).
 */
let stt: Transcriber;
const logLines: { msg: string }[] = [];

beforeAll(async () => {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger({ level: "debug", format: "json", destination });
  stt = await createTranscriber(
    configSchema.parse({ stt: MISHEARD_WITH }).stt,
    new ModelStore({ modelsDir: "models", cacheFile: null }),
    logger,
    { preparedDir: defaultPreparedDir() },
  );
});

afterAll(async () => {
  await stt?.dispose();
});

describe("repetition loops", () => {
  it("cuts the loop to one copy and stops decoding, instead of running to the token budget", async () => {
    const pause = new Float32Array(0.2 * 16_000);
    const names = ["bedroom-light-forty-percent", "thermostat-twenty-one", "lock-front-door"];
    const clips = await Promise.all(names.map(fixtureAudio));
    const audio = concat(...clips.flatMap((clip) => [clip, pause])).subarray(0, 8 * 16_000);
    logLines.length = 0;
    const result = await stt.transcribe(audio);
    expect(logLines.map((l) => l.msg)).toContain("cut a repetition loop");
    expect(logLines.map((l) => l.msg)).not.toContain("stopped at the token budget (stt.max_tokens)");
    expect(result.dropped).toBeUndefined();
    // One copy of the looping phrase is left, nothing repeated.
    expect(result.text.split(/\s+/).length).toBeLessThan(10);
    expect(result.text).not.toMatch(/(\b\w+ \w+ \w+\b).*\1/i);
  });
});
