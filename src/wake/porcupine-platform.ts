/** What decides whether Porcupine ships a native library for this machine. */
export interface PlatformInfo {
  platform: NodeJS.Platform;
  arch: string;
  /** Contents of /proc/cpuinfo on Linux (null elsewhere or when unreadable). */
  cpuInfo: string | null;
}

export type PlatformSupport = { supported: true } | { supported: false; reason: string };

/** ARM CPU parts Porcupine's Node package has libraries for (its Raspberry Pi builds). */
const SUPPORTED_ARM_PARTS: Record<string, string> = {
  "0xd03": "Cortex-A53 (Raspberry Pi 3 / Zero 2)",
  "0xd08": "Cortex-A72 (Raspberry Pi 4)",
  "0xd0b": "Cortex-A76 (Raspberry Pi 5)",
};

/** Well-known ARM boards without a Porcupine library, named so the message says what the user has. */
const KNOWN_UNSUPPORTED_PARTS: Record<string, string> = {
  "0xd42": "Cortex-A78AE (NVIDIA Jetson Orin)",
  "0x004": "NVIDIA Carmel (Jetson Xavier)",
  "0xd07": "Cortex-A57 (NVIDIA Jetson Nano / TX2)",
  "0xd05": "Cortex-A55",
};

/**
 * Mirrors @picovoice/porcupine-node's own library lookup (macOS and Windows on x64/arm64,
 * Linux on x64, and Linux on ARM only for Raspberry Pi CPU parts), so an unsupported board
 * gets a clear message before the package throws its terse one.
 */
export function porcupineSupport(info: PlatformInfo): PlatformSupport {
  const { platform, arch } = info;
  if ((platform === "darwin" || platform === "win32") && (arch === "x64" || arch === "arm64")) {
    return { supported: true };
  }
  if (platform === "linux" && arch === "x64") return { supported: true };
  if (platform === "linux" && (arch === "arm" || arch === "arm64")) {
    const part = cpuPart(info.cpuInfo);
    if (part && part in SUPPORTED_ARM_PARTS) return { supported: true };
    const name = part ? (KNOWN_UNSUPPORTED_PARTS[part] ?? `CPU part ${part}`) : "an unidentified ARM CPU";
    return {
      supported: false,
      reason: `Porcupine ships no library for linux/${arch} on ${name}; it supports Raspberry Pi 3/4/5 among ARM boards`,
    };
  }
  return { supported: false, reason: `Porcupine ships no library for ${platform}/${arch}` };
}

/** The last "CPU part" line's value, lower-cased (as the package reads it). */
export function cpuPart(cpuInfo: string | null): string | null {
  if (!cpuInfo) return null;
  let part: string | null = null;
  for (const line of cpuInfo.split("\n")) {
    const match = /^CPU part\s*:\s*(0x[0-9a-fA-F]+)/.exec(line.trim());
    if (match?.[1]) part = match[1].toLowerCase();
  }
  return part;
}
