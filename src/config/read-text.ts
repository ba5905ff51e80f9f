import { readFileSync } from "node:fs";
import { EdgeVoiceError, ExitCode } from "../errors.js";

/**
 * The text of a file the user gave (the config, a templates file). One that cannot be read
 * is a config error naming what it is, the file and the reason, with `hint` on what to check.
 */
export function readUserFile(file: string, what: string, hint: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new EdgeVoiceError(
      "config-unreadable",
      `cannot read ${what} ${file}: ${(error as Error).message}`,
      {
        exitCode: ExitCode.config,
        hint,
      },
    );
  }
}
