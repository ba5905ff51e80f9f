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
    const code = (error as NodeJS.ErrnoException).code;
    // Node's "EISDIR: illegal operation on a directory, read" next to a hint about permissions
    // sends people the wrong way: a directory given where a file belongs is a wrong path.
    const why =
      code === "EISDIR"
        ? "it is a directory, not a file"
        : code === "ENOENT"
          ? "no such file"
          : (error as Error).message;
    throw new EdgeVoiceError("config-unreadable", `cannot read ${what} ${file}: ${why}`, {
      exitCode: ExitCode.config,
      hint: code === "EISDIR" ? `give the path of the ${what} itself` : hint,
    });
  }
}
