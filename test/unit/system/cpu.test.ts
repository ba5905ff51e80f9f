import { describe, expect, it } from "vitest";
import { cpuSummary, describeCpu, saturatesU8S8 } from "../../../src/system/cpu.js";

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

describe("saturatesU8S8", () => {
  const x86 = (flags: string) => describeCpu(`model name\t: Some CPU\nflags\t\t: ${flags}\n`, "");
  it("is true on x86-64 without VNNI, false with it and on arm64", () => {
    expect(saturatesU8S8(x86("fpu sse2 avx avx2 fma"), "x64")).toBe(true);
    expect(saturatesU8S8(x86("avx2 avx512f avx512_vnni"), "x64")).toBe(false);
    expect(saturatesU8S8(x86("avx2 avx_vnni"), "x64")).toBe(false);
    expect(saturatesU8S8(describeCpu(PI4, ""), "arm64")).toBe(false);
  });

  it("counts an x86 CPU whose flags are unknown (not Linux) as saturating", () => {
    expect(saturatesU8S8(describeCpu(null, "Intel(R) Core(TM) i7"), "x64")).toBe(true);
  });
});
