import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real-model and real-broker tests load ONNX sessions and spawn processes: give them room
    // on a 2-core CI machine, and keep files from competing for the cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: "forks",
    // onnxruntime-node records usage telemetry unless told not to (the CLI sets this too).
    env: { ORT_DISABLE_TELEMETRY: "1" },
  },
});
