import { readFileSync } from "node:fs";
import os from "node:os";

/** What a failed self-test or `edge-voice doctor` says about the processor. */
export interface CpuFacts {
  /** "ARM Cortex-A72", or the model name the kernel reports (x86). */
  name: string;
  /** The kernel's feature flags (arm64 "Features", x86 "flags"). */
  features: string[];
  /** Of those, the ones onnxruntime picks different arm64 kernels for (matrix and dot-product extensions). */
  notable: string[];
}

/** ARM's part numbers (MIDR "CPU part", implementer 0x41) of the cores on the boards we name and their kin. */
const ARM_PARTS: Record<string, string> = {
  "0xd03": "Cortex-A53",
  "0xd04": "Cortex-A35",
  "0xd05": "Cortex-A55",
  "0xd07": "Cortex-A57",
  "0xd08": "Cortex-A72",
  "0xd09": "Cortex-A73",
  "0xd0a": "Cortex-A75",
  "0xd0b": "Cortex-A76",
  "0xd0c": "Neoverse-N1",
  "0xd0d": "Cortex-A77",
  "0xd40": "Neoverse-V1",
  "0xd41": "Cortex-A78",
  "0xd42": "Cortex-A78AE",
  "0xd46": "Cortex-A510",
  "0xd47": "Cortex-A710",
  "0xd49": "Neoverse-N2",
  "0xd4f": "Neoverse-V2",
};

/**
 * arm64 features that switch onnxruntime's MLAS to other matrix kernels: int8 dot products
 * (asimddp), int8 matrix multiply (i8mm), bfloat16, SVE, and SME, whose KleidiAI kernels
 * produced garbage under qemu's `max` CPU (docs/boards.md, "arm64 under emulation").
 */
const NOTABLE = /^(asimddp|i8mm|bf16|sve|sve2|sme|sme2|smei8i32|smef16f32)$/;

/** Reads /proc/cpuinfo's text (Linux; elsewhere only Node's model name is known). */
export function describeCpu(cpuinfo: string | null, fallbackName: string): CpuFacts {
  const field = (key: string): string | undefined =>
    cpuinfo
      ?.split("\n")
      .find((line) => line.split(":")[0]?.trim() === key)
      ?.split(":")
      .slice(1)
      .join(":")
      .trim();
  const features = (field("Features") ?? field("flags") ?? "").split(/\s+/).filter(Boolean);
  const part = field("CPU part")?.toLowerCase();
  const armName = field("CPU implementer") === "0x41" && part ? ARM_PARTS[part] : undefined;
  const name =
    (armName && `ARM ${armName}`) ??
    field("model name") ??
    (part ? `arm64 part ${part}` : fallbackName || "unknown CPU");
  return { name, features, notable: features.filter((f) => NOTABLE.test(f)) };
}

/** This machine's CPU. */
export function hostCpu(): CpuFacts {
  let cpuinfo: string | null = null;
  try {
    cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    // Not Linux: the model name Node reports is all there is.
  }
  return describeCpu(cpuinfo, os.cpus()[0]?.model ?? "");
}

/**
 * Whether onnxruntime's u8 x s8 integer kernel can saturate here: x86-64 without VNNI adds
 * products in pairs into int16 (stt/prepare/unsigned-weights.ts). Unknown flags (not Linux)
 * count as saturating: the fix it calls for computes the exact sums either way.
 */
export function saturatesU8S8(cpu: CpuFacts, arch: string = process.arch): boolean {
  if (arch !== "x64") return false;
  return !cpu.features.some((f) => f === "avx512_vnni" || f === "avx_vnni");
}

/** One line: "ARM Cortex-A72 (arm64; asimddp, i8mm)". */
export function cpuSummary(cpu: CpuFacts, arch: string = process.arch): string {
  return `${cpu.name} (${[arch, ...cpu.notable].join(", ")})`;
}
