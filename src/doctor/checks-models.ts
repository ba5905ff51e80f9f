import { hasLocalModels } from "../config/sections/satellite.js";
import { isEdgeVoiceError } from "../errors.js";
import { configuredModels } from "../models/startup.js";
import { type Check, type CheckResult, fail, pass, warn } from "./types.js";

/** Every model the config will load: present and matching its pinned size and sha256. */
export const checkModels: Check = async ({ probes, config }) => {
  if (!config) return [];
  const results: CheckResult[] = [];
  for (const request of configuredModels(config)) {
    const id = `model:${request.setting}`;
    const title = "Model";
    try {
      const verified = await probes.verifyModel(request);
      results.push(
        pass(
          id,
          title,
          `${request.value} (${request.setting}): ${verified.pinned ? "present, sha256 verified" : `your own file ${verified.path}, not hash-checked`}`,
        ),
      );
    } catch (error) {
      if (!isEdgeVoiceError(error)) throw error;
      results.push(
        fail(
          id,
          title,
          `${request.value} (${request.setting}): ${error.message}`,
          error.hint ?? "see models/README.md",
        ),
      );
    }
  }
  return results;
};

/**
 * Whisper hears its self-test clip (stt/self-test.ts): the check that a CPU's arithmetic is
 * right for the models, with the fallback to onnxruntime's portable kernels the daemon uses.
 */
export const checkSelfTest: Check = async ({ probes, config }) => {
  if (!config) return [];
  const title = "Whisper self-test";
  if (!hasLocalModels(config)) {
    return [pass("stt-self-test", title, "not loaded here: role satellite, the base transcribes")];
  }
  if (!config.stt.self_test) {
    return [
      warn(
        "stt-self-test",
        title,
        "off (stt.self_test: false)",
        "turn it on unless it fails: it catches a CPU that mishears every command",
      ),
    ];
  }
  try {
    const { ms } = await probes.sttSelfTest(config);
    return [
      pass("stt-self-test", title, `heard its clip right (${ms} ms to load and check ${config.stt.model})`),
    ];
  } catch (error) {
    if (!isEdgeVoiceError(error)) throw error;
    // A missing or corrupt model is the model check's line already.
    if (error.code === "model-missing" || error.code === "model-corrupt") return [];
    return [fail("stt-self-test", title, error.message, error.hint ?? "see docs/boards.md")];
  }
};

/** The wake word scores its self-test clip as expected (wake/self-test.ts); openWakeWord only. */
export const checkWakeSelfTest: Check = async ({ probes, config }) => {
  if (config?.wake.engine !== "openwakeword") return [];
  const title = "Wake self-test";
  if (!config.wake.self_test) {
    return [
      warn(
        "wake-self-test",
        title,
        "off (wake.self_test: false)",
        "turn it on unless it fails: it catches a CPU on which the wake word never fires",
      ),
    ];
  }
  try {
    const { ms } = await probes.wakeSelfTest(config);
    const models = config.wake.models.map((m) => m.id).join(", ");
    return [pass("wake-self-test", title, `scored its clip right (${ms} ms to load and check ${models})`)];
  } catch (error) {
    if (!isEdgeVoiceError(error)) throw error;
    // A missing or corrupt model is the model check's line already.
    if (error.code === "model-missing" || error.code === "model-corrupt") return [];
    return [fail("wake-self-test", title, error.message, error.hint ?? "see docs/boards.md")];
  }
};

/** Which llama.cpp backends node-llama-cpp can use here, and (when an LLM is configured) which one loads. */
export const checkLlama: Check = async ({ probes, config }) => {
  const wanted =
    config !== null && hasLocalModels(config) && config.llm.mode !== "off" && config.llm.model !== null;
  const gpu = config?.llm.gpu ?? "auto";
  const title = "LLM backend";
  let result: Awaited<ReturnType<typeof probes.llama>>;
  try {
    result = await probes.llama(gpu, wanted);
  } catch (error) {
    const detail = `node-llama-cpp cannot be loaded: ${String((error as Error).message ?? error).split("\n")[0]}`;
    const fix = "reinstall with scripts/install.sh (npm ci in /opt/edge-voice)";
    return [wanted ? fail("llama", title, detail, fix) : warn("llama", title, detail, fix)];
  }
  const available = ["cpu", ...result.supported].join(", ");
  if (!wanted || result.loaded === null) {
    const why =
      config && !hasLocalModels(config)
        ? "role satellite: the base understands"
        : "no LLM configured: templates only";
    return [pass("llama", title, `available here: ${available} (${why})`)];
  }
  if ("error" in result.loaded) {
    return [
      fail(
        "llama",
        title,
        `llama.cpp did not load with llm.gpu ${JSON.stringify(gpu)}: ${result.loaded.error}`,
        gpu === "cuda"
          ? "on a Jetson, scripts/install.sh builds llama.cpp with CUDA; elsewhere set llm.gpu: auto"
          : "needs glibc 2.34 (Bookworm, JetPack 6); or set llm.mode: off",
      ),
    ];
  }
  const loaded = `${result.loaded.gpu} (${result.loaded.buildType} build)`;
  const jetson = probes.readFile("/etc/nv_tegra_release") !== null;
  if (jetson && result.loaded.gpu === "cpu" && gpu !== false) {
    return [
      warn(
        "llama",
        title,
        `loads on the CPU only; available: ${available}`,
        "run scripts/install.sh on the Jetson: it builds llama.cpp with CUDA",
      ),
    ];
  }
  return [pass("llama", title, `loads with ${loaded}; available: ${available}`)];
};
