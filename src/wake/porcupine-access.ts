import { readFileSync } from "node:fs";
import type { Config } from "../config/schema.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";

/** Picovoice's own demos read this variable; accepted besides the EDGE_VOICE_* override. */
export const ACCESS_KEY_ENV = "PICOVOICE_ACCESS_KEY";

export const OFFLINE_ALTERNATIVE =
  "for a wake word that works offline on every board, set wake.engine: openwakeword (the default)";

/**
 * The Picovoice AccessKey, from (in order) wake.porcupine.access_key (the config file or
 * EDGE_VOICE_WAKE__PORCUPINE__ACCESS_KEY), $PICOVOICE_ACCESS_KEY, or the file named by
 * wake.porcupine.access_key_file. The key itself never appears in a message or a log.
 */
export function resolveAccessKey(settings: Config["wake"]["porcupine"], env: NodeJS.ProcessEnv): string {
  const fromConfig = settings.access_key?.trim();
  if (fromConfig) return fromConfig;
  const fromEnv = env[ACCESS_KEY_ENV]?.trim();
  if (fromEnv) return fromEnv;
  if (settings.access_key_file) return readKeyFile(settings.access_key_file);
  throw new EdgeVoiceError("wake-unavailable", "Porcupine needs a Picovoice AccessKey and none is set", {
    exitCode: ExitCode.config,
    hint: `set wake.porcupine.access_key, $${ACCESS_KEY_ENV} or wake.porcupine.access_key_file (keys come from console.picovoice.ai and are validated online at start); ${OFFLINE_ALTERNATIVE}`,
  });
}

function readKeyFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new EdgeVoiceError(
      "wake-unavailable",
      `cannot read the Picovoice AccessKey file ${file} (${reason})`,
      {
        exitCode: ExitCode.config,
        hint: `check wake.porcupine.access_key_file and that the service user may read it; ${OFFLINE_ALTERNATIVE}`,
      },
    );
  }
  const key = text.trim();
  if (!key) {
    throw new EdgeVoiceError("wake-unavailable", `the Picovoice AccessKey file ${file} is empty`, {
      exitCode: ExitCode.config,
      hint: `put the AccessKey from console.picovoice.ai in it; ${OFFLINE_ALTERNATIVE}`,
    });
  }
  return key;
}

/** Replaces every occurrence of the key (Porcupine quotes it in its errors). */
export function redactKey(text: string, key: string): string {
  return key ? text.split(key).join("***") : text;
}

/** Porcupine's start failure as a wake-unavailable error, the key redacted. */
export function porcupineStartError(error: unknown, key: string): EdgeVoiceError {
  const name = error instanceof Error ? error.constructor.name : "";
  const detail = redactKey(error instanceof Error ? error.message : String(error), key)
    .split("\n")
    .map((line) =>
      line
        .trim()
        .replace(/^\[\d+\]\s*\S+\s+\S+:\s*/, "")
        .replace(/\.$/, ""),
    )
    // Drop Porcupine's boilerplate and its bare commit hashes; keep what it says went wrong.
    .filter(
      (line) =>
        line && !/^[0-9a-f]{7}$/.test(line) && !/failed to initialize:?$|^Picovoice Error$/.test(line),
    )
    .join("; ");
  if (/Activation/.test(name) || /AccessKey/i.test(detail)) {
    const offline = /ActivationError$/.test(name) || /network|connect|resolve/i.test(detail);
    return new EdgeVoiceError(
      "wake-unavailable",
      `Porcupine did not accept its AccessKey (${detail}); Porcupine validates the key online at start${offline ? " and could not reach Picovoice (is this device offline?)" : ""}`,
      {
        exitCode: offline ? ExitCode.runtime : ExitCode.config,
        hint: `check the key at console.picovoice.ai and that the device can reach the internet at start; ${OFFLINE_ALTERNATIVE}`,
      },
    );
  }
  return new EdgeVoiceError("wake-unavailable", `Porcupine failed to start: ${detail}`, {
    exitCode: ExitCode.config,
    hint: `check wake.porcupine.keywords (built-in names or .ppn paths for this platform); ${OFFLINE_ALTERNATIVE}`,
  });
}
