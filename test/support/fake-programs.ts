import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { findProgram } from "../../src/system/which.js";

/** Absolute, so the fakes work in tests that empty $PATH. */
const PYTHON = findProgram("python3") ?? "/usr/bin/python3";

/**
 * Stand-ins for aplay/play/espeak-ng (there is no sound card here): each appends the name of a fresh
 * input file, its own name and its arguments to calls.log, and saves its stdin in that file; the fake espeak-ng writes
 * "SPEECH:<text>" to stdout, as the real one writes a WAV, so the pipe into the player is tested.
 */
export class FakePrograms {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-fake-player-"));

  constructor() {
    this.#script("aplay", 'cat > "$input"');
    this.#script("play", 'cat > "$input"');
    this.#script("espeak-ng", 'for last; do :; done; printf "SPEECH:%s" "$last"');
    this.#script(
      "failing-player",
      'cat > /dev/null; echo "aplay: main:831: audio open error: No such file or directory" >&2; exit 1',
    );
    // Real aplay with no sound card exits before reading its input.
    this.#script(
      "refusing-player",
      'echo "aplay: main:831: audio open error: No such file or directory" >&2; exit 1',
    );
    this.#script("hanging-player", "exec sleep 30");
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, FAKE_DIR: this.dir };
  }

  /** One entry per call, in call order: the program's name, its arguments and its stdin. */
  calls(): Array<{ program: string; args: string[]; stdin: Buffer }> {
    const log = path.join(this.dir, "calls.log");
    if (!existsSync(log)) return [];
    const text = readFileSync(log, "utf8");
    // Only whole lines: a fake started just now may have created the log (the shell's >>) or
    // be mid-write; it is not a call the test waited for yet.
    return (
      text
        .slice(0, text.lastIndexOf("\n") + 1)
        .split("\n")
        .filter((line) => line.trim() !== "")
        // Two fakes started together (espeak-ng piped into the player) can land on one line.
        .flatMap((line) => line.split(/(?<=\])(?=\[)/))
        .map((line) => {
          const [inputName = "", program = "", ...args] = JSON.parse(line) as string[];
          const input = path.join(this.dir, inputName);
          return { program, args, stdin: existsSync(input) ? readFileSync(input) : Buffer.alloc(0) };
        })
    );
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  #script(name: string, body: string): void {
    const file = this.path(name);
    // Arguments are logged as a JSON array (python3 quotes them exactly).
    writeFileSync(
      file,
      `#!/bin/sh
PATH="/usr/bin:/bin:$PATH"
input="$(mktemp "$FAKE_DIR/in.XXXXXX")"
${PYTHON} -c 'import json,sys,os; print(json.dumps([os.path.basename(sys.argv[1]), os.path.basename(sys.argv[2])] + sys.argv[3:]))' "$input" "$0" "$@" >> "$FAKE_DIR/calls.log"
${body}
`,
    );
    chmodSync(file, 0o755);
  }
}
