import { readFileSync } from "node:fs";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import { unreadableReason } from "../util/file-error.js";

/**
 * The text of a file the user gave (the config, a templates file). One that cannot be read
 * is a config error naming what it is, the file and the reason, with `hint` on what to check.
 */
export function readUserFile(file: string, what: string, hint: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A directory given where a file belongs is a wrong path, not a permission to check.
    const why = unreadableReason(error);
    throw new EdgeVoiceError("config-unreadable", `cannot read ${what} ${file}: ${why}`, {
      exitCode: ExitCode.config,
      hint: code === "EISDIR" ? `give the path of the ${what} itself` : hint,
    });
  }
}
