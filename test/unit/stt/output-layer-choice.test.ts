import { describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/schema.js";
import {
  chooseOutputLayer,
  FLOAT_LAYER_MIN_MEMORY,
  memoryForProcess,
} from "../../../src/stt/output-layer-choice.js";

const GiB = 1024 ** 3;

describe("stt.output_layer: auto chooses by the memory the process may use", () => {
  it("is the default", () => {
    expect(configSchema.parse({}).stt.output_layer).toBe("auto");
  });

  it.each([
    ["a '1 GB' Raspberry Pi (0.9 GiB reported)", 0.9 * GiB, "blocks"],
    ["a '2 GB' Raspberry Pi (1.8 GiB reported)", 1.8 * GiB, "float"],
    ["an 8 GB Jetson Orin", 7.4 * GiB, "float"],
    ["just under the bar", FLOAT_LAYER_MIN_MEMORY - 1, "blocks"],
    ["at the bar", FLOAT_LAYER_MIN_MEMORY, "float"],
  ] as const)("%s: %s", (_, memory, layer) => {
    expect(chooseOutputLayer("auto", false, memory)).toBe(layer);
  });

  it("keeps a layer asked for by name, whatever the memory", () => {
    expect(chooseOutputLayer("blocks", false, 64 * GiB)).toBe("blocks");
    expect(chooseOutputLayer("float", false, 0.5 * GiB)).toBe("float");
    expect(chooseOutputLayer("int8", false, 8 * GiB)).toBe("int8");
  });

  it("lets the older int8_output_layer: true override output_layer", () => {
    expect(chooseOutputLayer("auto", true, 8 * GiB)).toBe("int8");
    expect(chooseOutputLayer("float", true, 8 * GiB)).toBe("int8");
  });

  it("counts a cgroup's limit below the machine's memory (MemoryMax, a container), not Node's 'none'", () => {
    expect(memoryForProcess(8 * GiB, 1 * GiB)).toBe(1 * GiB);
    expect(memoryForProcess(8 * GiB, 2 ** 64)).toBe(8 * GiB);
    expect(memoryForProcess(8 * GiB, 0)).toBe(8 * GiB);
    expect(memoryForProcess(8 * GiB, undefined)).toBe(8 * GiB);
    expect(chooseOutputLayer("auto", false, memoryForProcess(16 * GiB, 1 * GiB))).toBe("blocks");
  });
});
