import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../../support/cli.js";
import { buildWav } from "../audio/helpers.js";

function configFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "edge-voice-cli-")), "config.yaml");
  writeFileSync(file, text);
  return file;
}

describe("edge-voice CLI", () => {
  it("lists the commands and exit codes with --help", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    for (const name of ["run", "models", "config"])
      expect(result.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    expect(result.stdout).toContain("78 configuration error");
  });

  it("with no command prints the help to stderr and exits 2", async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: edge-voice <command>");
  });

  it("an unknown command is a usage error (2) with a hint", async () => {
    const result = await runCli(["frobnicate"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toBe(
      'edge-voice: unknown command "frobnicate"\nhint: run `edge-voice --help` for the list\n',
    );
  });

  it("an unknown option is a usage error (2) naming it", async () => {
    const result = await runCli(["config", "--prnt"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--prnt'/);
    expect(result.stderr).toContain("hint: run `edge-voice config --help`");
  });

  it("every command has --help", async () => {
    for (const name of ["run", "models", "config"]) {
      const result = await runCli([name, "--help"]);
      expect(result.code, name).toBe(0);
      expect(result.stdout, name).toMatch(/^Usage: edge-voice /);
    }
  });

  it("a stray argument to a command that takes none is a usage error, not ignored", async () => {
    // `run clip.wav` used to open the microphone and never read the file.
    const run = await runCli(["run", "clip.wav"]);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toBe(
      'edge-voice run: run takes no arguments, got "clip.wav"\n' +
        "hint: to process a recording, write --input FILE.wav (or --input - for raw audio on stdin)\n",
    );
    for (const argv of [
      ["config", "--check", "extra"],
      ["doctor", "now"],
    ]) {
      const result = await runCli(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr, argv.join(" ")).toContain(`takes no arguments, got "${argv.at(-1)}"`);
    }
  });

  it("prints the version", async () => {
    const result = await runCli(["--version"]);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe("edge-voice config", () => {
  it("--print shows the effective config with secrets redacted and names the file and env", async () => {
    const file = configFile("site: kitchen\nmqtt:\n  password: hunter2\n");
    const result = await runCli(["config", "--print", "--config", file], { EDGE_VOICE_MQTT__USERNAME: "ev" });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("hunter2");
    expect(result.stdout.split("\n")[0]).toBe(
      `# effective configuration; file: ${file}; environment: EDGE_VOICE_MQTT__USERNAME`,
    );
    const printed = parse(result.stdout);
    expect(printed.site).toBe("kitchen");
    expect(printed.mqtt).toMatchObject({ password: "***", username: "ev" });
  });

  it("--print --json prints JSON", async () => {
    const result = await runCli([
      "config",
      "--print",
      "--json",
      "--set",
      "site=hall",
      "--config",
      configFile(""),
    ]);
    expect(JSON.parse(result.stdout).site).toBe("hall");
  });

  it("an invalid config exits 78 listing every problem, without a stack trace", async () => {
    const file = configFile("mqtt:\n  url: 5\nbogus_key: 1\n");
    const result = await runCli(["config", "--check", "--config", file]);
    expect(result.code).toBe(78);
    expect(result.stderr).toBe(
      `edge-voice config: configuration is invalid (${file}):\n` +
        "  mqtt.url: expected a URL string, got 5\n" +
        "  bogus_key: unknown key\n" +
        "hint: fix the settings named above; `edge-voice config --print` shows the effective configuration\n",
    );
  });

  it("--check on a valid config exits 0", async () => {
    const result = await runCli(["config", "--check", "--config", "examples/home.yaml"]);
    expect(result.code).toBe(0);
  });

  it("--check reads intent.templates_file: a broken one exits 78 as the daemon would", async () => {
    const templates = configFile('intents:\n  HassTurnOn:\n    data:\n      - sentences: ["zap {gadget}"]\n');
    const missing = configFile(`intent:\n  templates_file: ${templates}.gone\n`);
    const broken = configFile(`intent:\n  templates_file: ${templates}\n`);
    const a = await runCli(["config", "--check", "--config", missing]);
    expect(a.code).toBe(78);
    expect(a.stderr).toContain(`cannot read templates file ${templates}.gone: no such file\n`);
    const dir = configFile(`intent:\n  templates_file: ${path.dirname(templates)}\n`);
    const c = await runCli(["config", "--check", "--config", dir]);
    expect(c.code).toBe(78);
    expect(c.stderr).toBe(
      `edge-voice config: cannot read templates file ${path.dirname(templates)}: it is a directory, not a file\n` +
        "hint: give the path of the templates file itself\n",
    );
    const b = await runCli(["config", "--check", "--config", broken]);
    expect(b.code).toBe(78);
    expect(b.stderr).toContain(`templates file ${templates}, line 4: unknown slot {gadget}`);
  });

  it("--check says a valid but doubtful setting as a warning and still exits 0", async () => {
    const file = configFile(
      "area: attic\ndevices:\n  - {id: a, name: a lamp, domain: light, command_topic: h/a, area: kitchen}\n",
    );
    const result = await runCli(["config", "--check", "--config", file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^configuration is valid .*\nwarning: area: "attic" is no configured device's area/,
    );
  });

  it("needs --print or --check", async () => {
    expect((await runCli(["config"])).code).toBe(2);
  });

  it("a malformed --set is a usage error", async () => {
    const result = await runCli(["config", "--print", "--set", "site"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--set expects KEY=VALUE");
  });
});

describe("edge-voice run argument checks", () => {
  it("--events takes only json", async () => {
    const result = await runCli(["run", "--events", "xml", "--input", "x.wav"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--events takes "json", got "xml"');
  });

  it("--realtime needs --input", async () => {
    expect((await runCli(["run", "--realtime"])).code).toBe(2);
  });

  it("--realtime with stdin is refused: stdin is paced by its producer, not by the flag", async () => {
    const result = await runCli(["run", "--input", "-", "--realtime"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^edge-voice run: --realtime paces a WAV file; audio on stdin comes as fast/,
    );
  });

  it("a bad config stops run with 78 before anything loads", async () => {
    const result = await runCli(["run", "--config", configFile("vad:\n  trailing_silence_seconds: fast\n")]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('vad.trailing_silence_seconds: expected a number, got "fast"');
  });
});

describe("startup gaps (issue 13 item 11)", () => {
  it("a YAML alias bomb exits 78 with one line, not a stack trace", async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]`);
    }
    const result = await runCli(["config", "--check", "--config", configFile(`${levels.join("\n")}\n`)]);
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/cannot be read as settings: .*alias/i);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr.trim().split("\n")).toHaveLength(2); // the line and its hint
  });

  it("a broker port out of range fails config --check with a clear message", async () => {
    const result = await runCli([
      "config",
      "--check",
      "--config",
      configFile("mqtt:\n  url: mqtt://127.0.0.1:99999\n"),
    ]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      'mqtt.url: expected a port from 1 to 65535, got "mqtt://127.0.0.1:99999"',
    );
    for (const url of ["mqtt://127.0.0.1:0", "mqtt://[::1]:70000", "mqtt://host:port"]) {
      const bad = await runCli(["config", "--check", "--config", configFile(`mqtt:\n  url: "${url}"\n`)]);
      expect(bad.stderr, url).toContain("expected a port from 1 to 65535");
    }
    const ok = await runCli([
      "config",
      "--check",
      "--config",
      configFile("mqtt:\n  url: mqtts://[::1]:8883\n"),
    ]);
    expect(ok.code).toBe(0);
  });

  it("config --print hides a password written into mqtt.url, and so does an error about it", async () => {
    const printed = await runCli([
      "config",
      "--print",
      "--config",
      configFile("mqtt:\n  url: mqtt://ev:hunter2@broker.lan:1883\n"),
    ]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).not.toContain("hunter2");
    expect(parse(printed.stdout).mqtt.url).toBe("mqtt://ev:***@broker.lan:1883");
    const wrong = await runCli([
      "config",
      "--check",
      "--config",
      configFile("mqtt:\n  url: mqtt://ev:hunter2@b:99999\n"),
    ]);
    expect(wrong.code).toBe(78);
    expect(wrong.stderr).not.toContain("hunter2");
  });

  it("a state_dir under /proc exits 78 with a clear message instead of spinning", async () => {
    const result = await runCli([
      "run",
      "--input",
      "test/fixtures/wav/negative/what-time-is-it.wav",
      "--config",
      configFile("state_dir: /proc/edge-voice-state\n"),
    ]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("state_dir /proc/edge-voice-state cannot be used: ENOENT");
    // Refused before the models load (a spin would end at the test's time limit).
    expect(result.stderr).not.toContain("Whisper loaded");
  });
});

describe("bad input files are refused before the models load (issue 13 item 12)", () => {
  it("a missing file", async () => {
    const result = await runCli(["run", "--no-mqtt", "--input", "missing.wav", "--config", configFile("")]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("cannot read missing.wav: no such file");
    expect(result.stderr).not.toContain("Whisper loaded");
  });

  it("a corrupt WAV", async () => {
    const file = configFile("RIFF\u0004\u0000\u0000\u0000WAVEjunkjunkjunk");
    const result = await runCli(["run", "--no-mqtt", "--input", file, "--config", configFile("")]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${file}:`);
    expect(result.stderr).toMatch(/wav|WAV|corrupt|truncated|fmt/);
  });

  it("transcribe: a truncated WAV is one message and exit 1, from its header alone", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "edge-voice-cli-")), "cut.wav");
    // 100 s declared, 1 s there.
    writeFileSync(file, buildWav({ data: Buffer.alloc(32_000), dataSize: 3_200_000 }));
    const result = await runCli(["transcribe", file, "--config", configFile("")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")[0]).toBe(
      `edge-voice transcribe: ${file}: truncated: the data chunk declares 3200000 bytes of audio but only 32000 are in the file`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
