import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SoundRelay } from "../../src/feedback/sound-relay.js";
import { isRunning } from "../support/processes.js";
import { waitFor } from "../support/wait-for.js";

/**
 * The sound relay with a real sh and fake programs: each fake writes one file per call (its
 * name, PID, its parent's and grandparent's PIDs, the file its stdin is, then one line per
 * argument; renamed into place whole) and saves its stdin beside it.
 */
let dir: string;
let relays: SoundRelay[] = [];
const hasProc = existsSync("/proc/self/stat");

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-sound-relay-"));
  mkdirSync(path.join(dir, "calls"));
  fake("player", 'cat > "$out.in"');
  fake("speaker", 'for last; do :; done; printf "SPEECH:%s" "$last"');
  fake("failing", 'cat > /dev/null; echo "audio open error: no card" >&2; echo "second line" >&2; exit 3');
  fake("hanging", "exec sleep 30");
});

afterEach(() => {
  for (const relay of relays) relay.dispose();
  relays = [];
  rmSync(dir, { recursive: true, force: true });
});

function fake(name: string, body: string): void {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    `#!/bin/sh
out="${dir}/calls/$$"
{
  echo "${name}"
  echo "$$"
  echo "$PPID"
  cut -d' ' -f4 "/proc/$PPID/stat" 2>/dev/null || echo 0
  readlink "/proc/$$/fd/0" 2>/dev/null || echo "?"
  for a; do printf '%s\\n' "$a"; done
} > "$out.part"
mv "$out.part" "$out.log"
${body}
`,
  );
  chmodSync(file, 0o755);
}

interface Call {
  program: string;
  pid: number;
  parent: number;
  grandparent: number;
  stdinFile: string;
  args: string[];
  stdin: Buffer;
}

function calls(): Call[] {
  const logs = readdirSync(path.join(dir, "calls")).filter((f) => f.endsWith(".log"));
  return logs.map((log) => {
    const [program = "", pid, parent, grandparent, stdinFile = "", ...args] = readFileSync(
      path.join(dir, "calls", log),
      "utf8",
    )
      .replace(/\n$/, "")
      .split("\n");
    const input = path.join(dir, "calls", log.replace(/\.log$/, ".in"));
    return {
      program,
      pid: Number(pid),
      parent: Number(parent),
      grandparent: Number(grandparent),
      stdinFile,
      args,
      stdin: existsSync(input) ? readFileSync(input) : Buffer.alloc(0),
    };
  });
}

function relay(onTrouble?: (message: string) => void): SoundRelay {
  const r = new SoundRelay({ env: process.env, onTrouble });
  relays.push(r);
  return r;
}

const prog = (name: string) => path.join(dir, name);

describe("SoundRelay", () => {
  it.skipIf(!hasProc)("runs every sound from the one shell it started, a WAV written once", async () => {
    const r = relay();
    const wav = new Uint8Array([82, 73, 70, 70, 0, 9, 8, 7]);
    for (let i = 0; i < 2; i++) {
      const ends = await r.run([{ program: prog("player"), args: ["-q", "-"] }], wav).done;
      expect(ends).toEqual([{ program: prog("player"), problem: null }]);
    }
    await r.run([{ program: prog("player"), args: [] }], new Uint8Array([1, 2])).done;
    const all = calls();
    expect(all).toHaveLength(3);
    expect(all.map((c) => c.stdin.toString("hex")).sort()).toEqual([
      "0102",
      "5249464600090807",
      "5249464600090807",
    ]);
    // The programs' parent is a job of the relay shell (which waits for them), their
    // grandparent the shell itself: the same process every time, started by this process.
    expect(new Set(all.map((c) => c.grandparent))).toEqual(new Set([r.pid]));
    expect(all.every((c) => c.parent !== process.pid && c.grandparent !== process.pid)).toBe(true);
    expect(Number(readFileSync(`/proc/${r.pid}/stat`, "utf8").split(" ")[3])).toBe(process.pid);
    // The same bytes are the same file, in a directory only this user can open.
    const wavFiles = new Set(all.filter((c) => c.stdin.length === 8).map((c) => c.stdinFile));
    expect(wavFiles.size).toBe(1);
    const [file = ""] = [...wavFiles];
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it("speaks a reply's text literally: no expansion, no command, one argument", async () => {
    const r = relay();
    const marker = path.join(dir, "pwned");
    const text = `$(touch ${marker}); \`touch ${marker}\` "quoted" 'single' a\tb\nc * | $HOME`;
    const ends = await r.run([
      { program: prog("speaker"), args: ["-v", "en-us", "--stdout", "--", text] },
      { program: prog("player"), args: ["-q", "-"] },
    ]).done;
    expect(ends.map((e) => e.problem)).toEqual([null, null]);
    const spoken = `$(touch ${marker}); \`touch ${marker}\` "quoted" 'single' a b c * | $HOME`;
    const speaker = calls().find((c) => c.program === "speaker");
    expect(speaker?.args).toEqual(["-v", "en-us", "--stdout", "--", spoken]);
    expect(
      calls()
        .find((c) => c.program === "player")
        ?.stdin.toString(),
    ).toBe(`SPEECH:${spoken}`);
    expect(existsSync(marker)).toBe(false);
  });

  it("keeps a lone |, a glob and an empty text as arguments of the first program", async () => {
    const r = relay();
    await r.run([
      { program: prog("speaker"), args: ["|", `${dir}/*`, "--", ""] },
      { program: prog("player"), args: ["-"] },
    ]).done;
    expect(calls().find((c) => c.program === "speaker")?.args).toEqual(["|", `${dir}/*`, "--", " "]);
    expect(calls().find((c) => c.program === "player")?.args).toEqual(["-"]);
  });

  it("says which program failed, with its first stderr line, and not the writer it cut off", async () => {
    const r = relay();
    const ends = await r.run([
      { program: prog("speaker"), args: ["hello"] },
      { program: prog("failing"), args: [] },
    ]).done;
    expect(ends).toEqual([
      { program: prog("speaker"), problem: null },
      { program: prog("failing"), problem: "failed (exit 3): audio open error: no card" },
    ]);
    const missing = await r.run([{ program: prog("nonexistent"), args: [] }]).done;
    expect(missing[0]?.problem).toMatch(/failed \(exit 127\): .*not found/);
  });

  it("kills both programs of a pipe by PID, and none is left running", async () => {
    const r = relay();
    const job = r.run([
      { program: prog("hanging"), args: [] },
      { program: prog("hanging"), args: [] },
    ]);
    await waitFor(() => calls().length === 2, { what: "both programs to start" });
    const pids = calls().map((c) => c.pid);
    expect(pids.every(isRunning)).toBe(true);
    job.kill("SIGKILL");
    const ends = await job.done;
    expect(ends.map((e) => e.problem)).toEqual(["failed (SIGKILL): ", "failed (SIGKILL): "]);
    expect(pids.some(isRunning)).toBe(false);
  });

  it("dispose kills what plays and removes its directory", async () => {
    const r = relay();
    const job = r.run([{ program: prog("hanging"), args: [] }], new Uint8Array([1]));
    await waitFor(() => calls().length === 1, { what: "the program to start" });
    const [call] = calls();
    r.dispose();
    const ends = await job.done;
    expect(ends[0]?.problem).toMatch(/SIGTERM/);
    expect(isRunning(call?.pid ?? 0)).toBe(false);
    expect(existsSync(path.dirname(call?.stdinFile ?? ""))).toBe(false);
    expect((await r.run([{ program: prog("player"), args: [] }]).done)[0]?.problem).toMatch(/disposed/);
  });

  it("restarts a shell that died, ending the job it was running", async () => {
    const trouble: string[] = [];
    const r = relay((message) => trouble.push(message));
    const job = r.run([{ program: prog("hanging"), args: [] }]);
    await waitFor(() => calls().length === 1, { what: "the program to start" });
    const first = r.pid ?? 0;
    process.kill(first, "SIGKILL");
    const ends = await job.done;
    expect(ends[0]?.problem).toMatch(/not finished: the player shell ended \(SIGKILL\)/);
    await waitFor(() => !isRunning(calls()[0]?.pid ?? 0), { what: "the program to be killed" });
    expect(trouble).toEqual(["feedback: the player shell ended (SIGKILL); started a new one"]);
    expect(r.pid).not.toBe(first);
    const again = await r.run([{ program: prog("player"), args: ["again"] }]).done;
    expect(again[0]?.problem).toBeNull();
  });

  it("says once that it cannot play when it has no private directory, and never throws", async () => {
    const trouble: string[] = [];
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = path.join(dir, "missing", "tmp");
    let r: SoundRelay;
    try {
      r = relay((message) => trouble.push(message));
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
    expect(trouble).toEqual([
      `feedback: cannot make a directory in ${dir}/missing/tmp, so no sounds are played`,
    ]);
    const ends = await r.run([{ program: prog("player"), args: [] }], new Uint8Array([1])).done;
    expect(ends[0]?.problem).toBe("not played: the player shell is not running");
    expect(calls()).toEqual([]);
  });
});
