import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadConfig } from "../../../src/config/load.js";
import { yamlErrorPlace } from "../../../src/config/yaml-errors.js";
import { EdgeVoiceError } from "../../../src/errors.js";

/** Line and column of the first syntax error, as the config loader reports it. */
function placeOf(text: string) {
  const doc = parseDocument(text, { prettyErrors: false });
  const [error] = doc.errors;
  if (!error) throw new Error("expected a YAML error");
  return yamlErrorPlace(doc, error, text);
}

describe("YAML errors at the end of the file", () => {
  // yaml itself puts each of these past the last line (or on a blank line after it).
  const cases: Array<[string, string, number, number]> = [
    ["an unclosed double quote", 'site: x\nmqtt:\n  url: "mqtt://a\n', 3, 8],
    ["an unclosed quote, no final newline", 'site: x\nmqtt:\n  url: "mqtt://a', 3, 8],
    ["an unclosed single quote, blank lines after", "site: x\narea: 'kitchen\n\n\n", 2, 7],
    ["an unclosed quote that swallowed a comment", 'site: "abc\n# c\n', 1, 7],
    ["an unclosed quote in a list item", 'devices:\n  - id: a\n    name: "kitchen\n', 3, 11],
    ["an unclosed flow list over lines", "site: x\ndevices: [\n  a,\n  b\n\n", 2, 10],
    ["an unclosed flow map", "site: x\nmqtt: {url: a\n", 2, 7],
    ["CRLF line ends", 'site: x\r\nurl: "abc\r\n', 2, 6],
  ];
  it.each(cases)("%s: where it opened", (_name, text, line, column) => {
    const where = placeOf(text);
    expect(where).toMatchObject({ line, column, opened: true });
    expect(line).toBeLessThanOrEqual(text.trimEnd().split("\n").length);
  });

  it("an error at the end with nothing open: the end of the last line with content", () => {
    const where = placeOf("%YAML 1.2\n\n");
    expect(where).toMatchObject({ line: 1, column: 10 });
    expect(where.opened).toBeUndefined();
  });

  it("an error inside the file stays where yaml put it, without yaml's own position", () => {
    expect(placeOf("site: a\nsite: b\nmqtt: {}\n")).toEqual({
      line: 2,
      column: 1,
      message: "Map keys must be unique",
    });
  });

  it("the config loader names that line and says the quote is still open", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-yaml-"));
    const file = path.join(dir, "config.yaml");
    writeFileSync(file, 'site: x\nmqtt:\n  url: "mqtt://a\n');
    let caught: unknown;
    try {
      loadConfig({ configPath: file, env: {} });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EdgeVoiceError);
    expect((caught as EdgeVoiceError).exitCode).toBe(78);
    expect((caught as EdgeVoiceError).message.split("\n").slice(1)).toEqual([
      '  line 3, column 8: Missing closing "quote (opened here, still open at the end of the file)',
    ]);
  });
});
