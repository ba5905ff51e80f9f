import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createIntentHandler } from "../../../src/intent/create.js";
import { modelStoreFromConfig } from "../../../src/models/startup.js";
import { silentLogger } from "../../../src/util/logger.js";
import { runCli } from "../../support/cli.js";
import { writeTinyGguf } from "../../support/tiny-gguf.js";
import { homeConfig, homeRegistry } from "../../unit/intent/home.js";

/**
 * The intent stage finds llm.model through the store it is given (the daemon's, built from
 * the daemon's working directory, or a CLI command's), never one of its own built from the
 * process's: a daemon started from another directory loads the model its start-up check verified.
 */
describe("the intent stage and the shared model store", () => {
  const home = mkdtempSync(path.join(tmpdir(), "edge-voice-elsewhere-"));
  writeTinyGguf(path.join(home, "brain.gguf"));
  const config = homeConfig({ llm: { model: "brain.gguf", mode: "always", threads: 1, context_size: 5120 } });
  const env = { XDG_STATE_HOME: path.join(home, "state") };
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("loads a relative llm.model from the store's directory", async () => {
    expect(process.cwd()).not.toBe(home);
    const store = modelStoreFromConfig(config, { cwd: home, env });
    const handler = await createIntentHandler(config, homeRegistry(config), silentLogger(), { store });
    try {
      expect(handler.llm).not.toBeNull();
    } finally {
      await handler.dispose();
    }
  });

  it("the intent command gives it the store of its own working directory", async () => {
    const file = path.join(home, "config.json");
    writeFileSync(file, JSON.stringify({ ...config, state_dir: path.join(home, "state") }));
    const result = await runCli(
      ["intent", "--config", file, "--json", "turn on the kitchen light"],
      env,
      home,
    );
    expect(result.stderr).not.toMatch(/model-missing|not found/);
    expect(result.code).toBe(0);
    // The LLM's evaluated prompt prefix went to the configured state directory.
    expect(readdirSync(path.join(home, "state", "llm"))).toHaveLength(1);
  });
});
