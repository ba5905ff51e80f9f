import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

/**
 * Physical cores (not hyper-threads): llama.cpp runs slower when its threads share cores
 * (measured here: 4 threads on 2 cores ran a tiny model at 1.7 tok/s, 1 thread ~2000 tok/s).
 * Linux: distinct (package, core) pairs from sysfs; elsewhere the logical count.
 */
export function physicalCores(): number {
  try {
    const root = "/sys/devices/system/cpu";
    const cores = new Set<string>();
    for (const name of readdirSync(root)) {
      if (!/^cpu\d+$/.test(name)) continue;
      const topology = `${root}/${name}/topology`;
      const pkg = readFileSync(`${topology}/physical_package_id`, "utf8").trim();
      const core = readFileSync(`${topology}/core_id`, "utf8").trim();
      cores.add(`${pkg}:${core}`);
    }
    if (cores.size > 0) return Math.min(cores.size, os.availableParallelism());
  } catch {
    // Not Linux, or sysfs hidden (containers): fall through.
  }
  return os.availableParallelism();
}

/** config llm.threads: 0 = physical cores; never more than that. */
export function resolveThreads(configured: number): number {
  const cores = physicalCores();
  return configured <= 0 ? cores : Math.min(configured, cores);
}
