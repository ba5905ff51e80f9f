import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createIntentHandler } from "../../../src/intent/create.js";
import { modelStoreFromConfig } from "../../../src/models/startup.js";
import { silentLogger } from "../../../src/util/logger.js";
import { writeTinyGguf } from "../../support/tiny-gguf.js";
import { homeConfig, homeRegistry } from "../../unit/intent/home.js";

/**
 * The intent stage finds llm.model through the store it is given (the daemon's, built from
 * the daemon's working directory), not one of its own built from the process's: a daemon
 * started from another directory loads the same model its start-up check verified.
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

  it("without that store looks in the process's directory and says the file is missing", async () => {
    const error = await createIntentHandler(config, homeRegistry(config), silentLogger()).catch((e) => e);
    expect(error).toMatchObject({ code: "model-missing" });
  });
});
