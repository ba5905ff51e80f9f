import { hasLocalModels } from "../config/sections/satellite.js";
import { type Check, type CheckResult, fail, pass, versionAtLeast, warn } from "./types.js";

/** node-llama-cpp's prebuilt llama.cpp binaries are built against glibc 2.34. */
export const MIN_GLIBC = "2.34";
const MIN_NODE = "20";

export const checkNode: Check = async ({ probes }) => {
  const version = probes.nodeVersion();
  if (versionAtLeast(version, MIN_NODE)) return [pass("node", "Node.js", `v${version}`)];
  return [
    fail(
      "node",
      "Node.js",
      `v${version} is too old (edge-voice needs ${MIN_NODE} or newer)`,
      "install Node.js 20 or 22 (NodeSource's deb, or the nodejs package on Debian 13)",
    ),
  ];
};

export const checkGlibc: Check = async ({ probes, config }) => {
  const version = probes.glibcVersion();
  if (version === null) {
    const detail = probes.platform() === "linux" ? "not glibc (musl?)" : `not needed on ${probes.platform()}`;
    return [pass("glibc", "C library", detail)];
  }
  if (versionAtLeast(version, MIN_GLIBC)) return [pass("glibc", "C library", `glibc ${version}`)];
  const wantsLlm = config !== null && config.llm.mode !== "off" && config.llm.model !== null;
  const detail = `glibc ${version}: node-llama-cpp's prebuilt binaries need ${MIN_GLIBC}, so the LLM cannot load`;
  const fix = "upgrade to Raspberry Pi OS Bookworm or JetPack 6 (or set llm.mode: off)";
  return [wantsLlm ? fail("glibc", "C library", detail, fix) : warn("glibc", "C library", detail, fix)];
};

/** The board as people name it: a Raspberry Pi model, a Jetson with its L4T release, or other. */
export function describeBoard(
  deviceTreeModel: string | null,
  tegraRelease: string | null,
): {
  kind: "raspberry-pi" | "jetson" | "other";
  name: string;
  jetpack?: number;
} {
  const model = deviceTreeModel?.replace(/\0/g, "").trim() ?? "";
  if (tegraRelease !== null) {
    const release = /R(\d+)\s*\(release\)/.exec(tegraRelease)?.[1];
    const l4t = release ? Number(release) : null;
    // L4T R36 = JetPack 6, R35 = JetPack 5, R32 = JetPack 4.
    const jetpack = l4t === null ? undefined : l4t >= 36 ? 6 : l4t >= 34 ? 5 : 4;
    const name = `${model || "NVIDIA Jetson"}${l4t ? ` (L4T R${l4t}, JetPack ${jetpack})` : ""}`;
    return { kind: "jetson", name, jetpack };
  }
  if (/raspberry pi/i.test(model)) return { kind: "raspberry-pi", name: model };
  return { kind: "other", name: model || "not a Raspberry Pi or Jetson" };
}

export const checkBoard: Check = async ({ probes, config }) => {
  const board = describeBoard(
    probes.readFile("/proc/device-tree/model"),
    probes.readFile("/etc/nv_tegra_release"),
  );
  const cpu = probes.cpus();
  const features = [probes.arch(), ...cpu.notable].join(", ");
  const detail = `${board.name}; ${cpu.count} x ${cpu.model || "unknown CPU"} (${features})`;
  const results: CheckResult[] = [];
  // A satellite without local models runs no Whisper: a Pi Zero 2 W is what it is made for.
  const whisperHere = config === null || hasLocalModels(config);
  const small = /Raspberry Pi (Zero|[123]\b|Model [AB])/i.test(board.name);
  if (board.kind === "raspberry-pi" && small && whisperHere) {
    results.push(
      warn(
        "board",
        "Board",
        detail,
        "a Pi 4 or 5 is needed for Whisper in real time; expect slow replies here",
      ),
    );
  } else if (board.kind === "jetson" && board.jetpack !== undefined && board.jetpack < 6) {
    results.push(
      warn(
        "board",
        "Board",
        detail,
        "JetPack 5 and older lack glibc 2.34: flash JetPack 6 for the LLM on CUDA",
      ),
    );
  } else {
    results.push(pass("board", "Board", detail));
  }
  return results;
};
