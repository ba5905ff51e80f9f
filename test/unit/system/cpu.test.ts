import { describe, expect, it } from "vitest";
import { cpuSummary, describeCpu } from "../../../src/system/cpu.js";

const PI4 = `processor\t: 0
BogoMIPS\t: 108.00
Features\t: fp asimd evtstrm crc32 cpuid
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x0
CPU part\t: 0xd08
CPU revision\t: 3
`;

const SME_CORE = `processor\t: 0
Features\t: fp asimd asimddp i8mm bf16 sve sve2 sme sme2
CPU implementer\t: 0x41
CPU part\t: 0xd99
`;

const X86 = `processor\t: 0
model name\t: AMD EPYC 7B13
flags\t\t: fpu vme avx2 avx512f
`;

describe("describeCpu", () => {
  it("names a Raspberry Pi 4's core by its part number", () => {
    const cpu = describeCpu(PI4, "");
    expect(cpu.name).toBe("ARM Cortex-A72");
    expect(cpu.notable).toEqual([]);
    expect(cpuSummary(cpu, "arm64")).toBe("ARM Cortex-A72 (arm64)");
  });

  it("lists the matrix extensions that change onnxruntime's kernels", () => {
    const cpu = describeCpu(SME_CORE, "");
    expect(cpu.name).toBe("arm64 part 0xd99");
    expect(cpu.notable).toEqual(["asimddp", "i8mm", "bf16", "sve", "sve2", "sme", "sme2"]);
  });

  it("reads x86's model name and flags", () => {
    const cpu = describeCpu(X86, "");
    expect(cpu.name).toBe("AMD EPYC 7B13");
    expect(cpu.features).toContain("avx2");
  });

  it("falls back to Node's model name without /proc/cpuinfo", () => {
    expect(describeCpu(null, "Apple M2").name).toBe("Apple M2");
    expect(describeCpu(null, "").name).toBe("unknown CPU");
  });
});
