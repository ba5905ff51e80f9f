import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { AudioFrame } from "../audio/format.js";
import { Rechunker } from "../audio/rechunker.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { Logger } from "../util/logger.js";
import type { WakeDetection, WakeWordDetector } from "./detector.js";
import { OFFLINE_ALTERNATIVE, porcupineStartError } from "./porcupine-access.js";
import { type PlatformInfo, porcupineSupport } from "./porcupine-platform.js";

/** The part of @picovoice/porcupine-node's Porcupine class used here (a seam for tests). */
export interface PorcupineEngine {
  readonly frameLength: number;
  readonly sampleRate: number;
  process(frame: Int16Array): number;
  release(): void;
}

export type PorcupineFactory = (
  accessKey: string,
  keywords: string[],
  sensitivities: number[],
) => PorcupineEngine;

export interface PorcupineOptions {
  accessKey: string;
  keywords: ReadonlyArray<{ keyword: string; sensitivity: number }>;
  logger: Logger;
  platform?: PlatformInfo;
  factory?: PorcupineFactory;
}

/** Built-in keyword names of @picovoice/porcupine-node 4 (its BuiltinKeyword enum). */
export const BUILTIN_KEYWORDS = [
  "alexa",
  "americano",
  "blueberry",
  "bumblebee",
  "computer",
  "grapefruit",
  "grasshopper",
  "hey google",
  "hey siri",
  "jarvis",
  "ok google",
  "picovoice",
  "porcupine",
  "terminator",
] as const;

/**
 * Picovoice Porcupine behind the WakeWordDetector interface. Porcupine takes 512-sample
 * frames: the 80 ms frames are re-chunked with exact positions, and a detection's endSample
 * is the end of the 512-sample frame it fired on. Porcupine reports no score: detections
 * carry 1.
 */
export class PorcupineDetector implements WakeWordDetector {
  readonly engine = "porcupine";
  readonly #rechunker: Rechunker;
  #released = false;

  private constructor(
    private readonly porcupine: PorcupineEngine,
    readonly wakeWords: readonly string[],
  ) {
    this.#rechunker = new Rechunker(porcupine.frameLength);
  }

  static async create(options: PorcupineOptions): Promise<PorcupineDetector> {
    const support = porcupineSupport(options.platform ?? currentPlatform());
    if (!support.supported) {
      throw new EdgeVoiceError("wake-unavailable", `${support.reason}`, {
        exitCode: ExitCode.config,
        hint: OFFLINE_ALTERNATIVE,
      });
    }
    const keywords = options.keywords.map((k) => checkKeyword(k.keyword));
    const factory = options.factory ?? loadPorcupine;
    let porcupine: PorcupineEngine;
    try {
      porcupine = factory(
        options.accessKey,
        keywords,
        options.keywords.map((k) => k.sensitivity),
      );
    } catch (error) {
      throw porcupineStartError(error, options.accessKey);
    }
    const names = keywords.map(keywordName);
    options.logger.debug({ keywords: names, frameLength: porcupine.frameLength }, "Porcupine ready");
    return new PorcupineDetector(porcupine, names);
  }

  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    let detection: WakeDetection | null = null;
    for (const window of this.#rechunker.windows(frame)) {
      const index = this.porcupine.process(window.samples);
      const wakeWord = this.wakeWords[index];
      if (wakeWord !== undefined) detection ??= { wakeWord, score: 1, endSample: window.endSample };
    }
    return detection;
  }

  reset(): void {
    this.#rechunker.reset();
  }

  async dispose(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.porcupine.release();
  }
}

function loadPorcupine(accessKey: string, keywords: string[], sensitivities: number[]): PorcupineEngine {
  const require = createRequire(import.meta.url);
  const { Porcupine } = require("@picovoice/porcupine-node") as {
    Porcupine: new (key: string, keywords: string[], sensitivities: number[]) => PorcupineEngine;
  };
  return new Porcupine(accessKey, keywords, sensitivities);
}

function checkKeyword(keyword: string): string {
  if ((BUILTIN_KEYWORDS as readonly string[]).includes(keyword)) return keyword;
  if (keyword.endsWith(".ppn")) {
    if (existsSync(keyword)) return path.resolve(keyword);
    throw new EdgeVoiceError(
      "wake-unavailable",
      `Porcupine keyword file not found: ${path.resolve(keyword)}`,
      {
        exitCode: ExitCode.config,
        hint: "check wake.porcupine.keywords[].keyword (relative paths start at the working directory)",
      },
    );
  }
  throw new EdgeVoiceError(
    "wake-unavailable",
    `Porcupine keyword "${keyword}" is neither built in nor a .ppn file`,
    {
      exitCode: ExitCode.config,
      hint: `use one of: ${BUILTIN_KEYWORDS.join(", ")}; or the path of a .ppn file made for this platform at console.picovoice.ai`,
    },
  );
}

/** "jarvis" stays "jarvis"; "/x/hey-robot_en_linux_v3_0_0.ppn" becomes "hey-robot_en_linux_v3_0_0". */
function keywordName(keyword: string): string {
  return keyword.endsWith(".ppn") ? path.basename(keyword, ".ppn") : keyword;
}

export function currentPlatform(): PlatformInfo {
  let cpuInfo: string | null = null;
  if (os.platform() === "linux") {
    try {
      cpuInfo = readFileSync("/proc/cpuinfo", "utf8");
    } catch {
      cpuInfo = null;
    }
  }
  return { platform: os.platform(), arch: os.arch(), cpuInfo };
}
