import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { envSettings } from "../../../src/config/env.js";
import {
  configReference,
  REFERENCE_END,
  REFERENCE_FILE,
  REFERENCE_START,
} from "../../../src/config/reference.js";
import { configJsonSchema } from "../../../src/config/schema.js";

describe("the configuration reference (docs/configuration.md)", () => {
  it("is the one generated from the schema (run `npm run docs` after changing the schema)", () => {
    const page = readFileSync(path.join(__dirname, "..", "..", "..", REFERENCE_FILE), "utf8");
    const start = page.indexOf(REFERENCE_START);
    const end = page.indexOf(REFERENCE_END);
    expect(start).toBeGreaterThan(0);
    expect(page.slice(start + REFERENCE_START.length, end).trim()).toBe(configReference().trim());
  });

  it("names every setting's environment variable", () => {
    const reference = configReference();
    for (const setting of envSettings(configJsonSchema())) expect(reference).toContain(`\`${setting.name}\``);
  });

  it("documents every field with a description", () => {
    for (const setting of envSettings(configJsonSchema())) {
      expect(setting.schema.description, setting.path.join(".")).toBeTruthy();
    }
  });
});
