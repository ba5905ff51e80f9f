import type { OutputLayer } from "./prepare/recipes.js";

/**
 * The least memory (bytes) the process may use for `stt.output_layer: auto` to choose float:
 * a "2 GB" board reports ~1.8 GiB (the kernel and the GPU keep the rest), a "1 GB" one ~0.9.
 */
export const FLOAT_LAYER_MIN_MEMORY = 1.5 * 1024 ** 3;

/** What `stt.output_layer` and its older name say, `auto` still to be decided. */
export type OutputLayerSetting = OutputLayer | "auto";

/**
 * The output layer to run. `auto` is float (exact; guided commands ~30 % sooner, ~50 MB more
 * resident, docs/stt.md Memory) where the process may use `FLOAT_LAYER_MIN_MEMORY` or more,
 * and blocks (exact, the least memory) below it, where 50 MB is a tenth of what is left.
 * `memory`: the machine's total, already lowered to a cgroup limit (memoryForProcess). Pure.
 */
export function chooseOutputLayer(
  setting: OutputLayerSetting,
  int8OutputLayer: boolean,
  memory: number,
): OutputLayer {
  if (int8OutputLayer) return "int8";
  if (setting !== "auto") return setting;
  return memory >= FLOAT_LAYER_MIN_MEMORY ? "float" : "blocks";
}

/**
 * The memory this process may use: the machine's, or a cgroup's limit below it (a systemd
 * unit's MemoryMax, a container's). Node reports no limit as 0 or as 2^64.
 */
export function memoryForProcess(total: number, constrained: number | undefined): number {
  return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}
