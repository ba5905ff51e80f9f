import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The unit as shipped must pass `systemd-analyze verify` without a single warning and score an
 * exposure of at most 1.5 in `systemd-analyze security --offline=true` (Debian 12's systemd 252
 * is the baseline; CI installs the systemd package). Both run against a scratch root holding the
 * unit, its drop-ins, systemd's own units and stand-ins for the programs it runs (verify checks
 * that ExecStart= and ExecReload= exist), so nothing on this machine is touched.
 */

const REPO = path.resolve(import.meta.dirname, "..", "..");
const UNIT = path.join(REPO, "systemd", "edge-voice.service");
const DROPINS = path.join(REPO, "systemd", "edge-voice.service.d");
const MAX_EXPOSURE = 1.5;

function systemdAnalyze(): string | null {
  try {
    return execFileSync("sh", ["-c", "command -v systemd-analyze"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

const analyze = systemdAnalyze();
const systemUnits = ["/usr/lib/systemd/system", "/lib/systemd/system"].find((d) => existsSync(d));
const roots: string[] = [];

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** The programs the unit runs (ExecStart=, ExecReload=, ...): verify checks they exist. */
function execPaths(): string[] {
  const unit = readFileSync(UNIT, "utf8");
  return [...unit.matchAll(/^Exec\w+=[-@:+!]*(\/\S+)/gm)].map((m) => m[1] as string);
}

/** A scratch root with the unit installed where install.sh puts it, plus the given drop-ins. */
function scratchRoot(dropins: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "edge-voice-unit-"));
  roots.push(root);
  cpSync(systemUnits as string, path.join(root, "usr/lib/systemd/system"), { recursive: true });
  for (const program of execPaths()) {
    const bin = path.join(root, program);
    mkdirSync(path.dirname(bin), { recursive: true });
    writeFileSync(bin, "#!/bin/sh\n");
    chmodSync(bin, 0o755);
  }
  const etc = path.join(root, "etc/systemd/system");
  mkdirSync(path.join(etc, "edge-voice.service.d"), { recursive: true });
  cpSync(UNIT, path.join(etc, "edge-voice.service"));
  for (const [name, source] of Object.entries(dropins)) {
    cpSync(path.join(DROPINS, source), path.join(etc, "edge-voice.service.d", name));
  }
  return root;
}

function run(root: string, args: string[]) {
  return spawnSync(analyze as string, [...args, `--root=${root}`, "edge-voice.service"], {
    encoding: "utf8",
    timeout: 30_000,
  });
}

function exposure(root: string): number {
  const result = run(root, ["security", "--offline=true", "--no-pager"]);
  const match = /Overall exposure level for edge-voice\.service: ([\d.]+)/.exec(result.stdout);
  if (!match) throw new Error(`no exposure in systemd-analyze output:\n${result.stdout}\n${result.stderr}`);
  return Number(match[1]);
}

const variants: Array<[string, Record<string, string>]> = [
  ["the unit alone", {}],
  ["with the broker drop-in", { "broker.conf": "broker.conf.example" }],
  [
    "with the Jetson, broker and memory drop-ins",
    {
      "jetson-cuda.conf": "jetson-cuda.conf",
      "broker.conf": "broker.conf.example",
      "memory.conf": "memory.conf.example",
    },
  ],
];

describe.skipIf(!analyze || !systemUnits)("systemd/edge-voice.service", () => {
  if (!analyze)
    console.warn("skipping the unit checks: systemd-analyze is not installed (apt install systemd)");

  it.each(variants)("passes systemd-analyze verify without warnings: %s", (_name, dropins) => {
    const result = run(scratchRoot(dropins), ["verify", "--man=no"]);
    expect(result.stderr.trim()).toBe("");
    expect(result.status).toBe(0);
  });

  it.each(variants)(`has an exposure of at most ${MAX_EXPOSURE}: %s`, (_name, dropins) => {
    expect(exposure(scratchRoot(dropins))).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  it("the sysusers entry creates the edge-voice system user (in a scratch root)", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "edge-voice-sysusers-"));
    roots.push(root);
    mkdirSync(path.join(root, "etc"));
    const sysusers = path.join(path.dirname(analyze as string), "systemd-sysusers");
    const result = spawnSync(
      sysusers,
      [`--root=${root}`, path.join(REPO, "systemd", "edge-voice.sysusers")],
      {
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(0);
    const passwd = readFileSync(path.join(root, "etc/passwd"), "utf8");
    expect(passwd).toMatch(
      /^edge-voice:x:\d+:\d+:edge-voice voice assistant:\/var\/lib\/edge-voice:\/usr\/sbin\/nologin$/m,
    );
    const uid = Number(passwd.split(":")[2]);
    expect(uid).toBeLessThan(1000); // a system user
  });

  it("the check can fail: a unit without hardening scores far above the limit", () => {
    const root = scratchRoot({});
    writeFileSync(
      path.join(root, "etc/systemd/system/edge-voice.service"),
      "[Service]\nType=notify\nExecStart=/opt/edge-voice/bin/edge-voice.js run\n",
    );
    expect(exposure(root)).toBeGreaterThan(5);
  });

  it("verify reports an unknown key (the warning check can fail)", () => {
    const root = scratchRoot({});
    writeFileSync(
      path.join(root, "etc/systemd/system/edge-voice.service.d/typo.conf"),
      "[Service]\nWatchDogSec=5\n",
    );
    const result = run(root, ["verify", "--man=no"]);
    expect(result.stderr).toMatch(/Unknown key/);
  });
});
