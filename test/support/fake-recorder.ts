import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A fake recorder for the real process path (RecorderProcess, and MicrophoneSource through
 * it): a node-record-lpcm16 recorder module (the library accepts an absolute path to one)
 * that starts a small node script instead of arecord. How a pipe groups its writes is up to
 * the machine, so tests on it assert nothing that depends on chunk sizes or speed; the
 * retry and watchdog logic is tested chunk by chunk with scripted-recorder.ts.
 * Each start takes the next step of a plan, so a test can script a device that is missing,
 * delivers audio, dies, hangs, and comes back. Every started process appends its pid and
 * arguments to files, so the test can check that none is left running.
 */
export type Step =
  /** Print arecord's message for a missing device and exit 1 at once. */
  | { fail: string }
  /** Write `bytes` of audio (in odd-sized pieces), then exit 1, or stay alive silently. */
  | { send: number; after: "exit" | "hang" }
  /** Write 80 ms of audio every 10 ms until killed. */
  | { stream: true }
  /** Write audio as fast as the pipe takes it until killed (a consumer that falls behind). */
  | { flood: true };

const MODULE = `
const path = require("node:path");
module.exports = (options) => ({
  cmd: process.execPath,
  args: [path.join(__dirname, "fake-recorder-process.cjs"), __dirname, String(options.device), String(options.sampleRate), String(options.channels), String(options.audioType)],
});
`;

const PROCESS = `
const fs = require("node:fs");
const path = require("node:path");
const [dir, device, rate, channels, type] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8"));
const countFile = path.join(dir, "count");
const index = fs.existsSync(countFile) ? Number(fs.readFileSync(countFile, "utf8")) : 0;
fs.writeFileSync(countFile, String(index + 1));
fs.appendFileSync(path.join(dir, "starts.jsonl"), JSON.stringify({ pid: process.pid, device, rate, channels, type }) + "\\n");
const step = plan[Math.min(index, plan.length - 1)];
const audio = (bytes) => Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 37 + index) & 0xff));
const die = (message) => process.stderr.write(message + "\\n", () => process.exit(1));
if (step.fail) die("arecord: main:831: " + step.fail);
else if (step.send !== undefined) {
  const data = audio(step.send);
  let at = 0;
  const next = () => {
    if (at >= data.length) {
      if (step.after === "exit") die("arecord: pcm_read:2221: read error: No such device");
      else setInterval(() => {}, 1000);
      return;
    }
    const size = 1 + ((at * 7) % 1999);
    process.stdout.write(data.subarray(at, at + size), () => setImmediate(next));
    at += size;
  };
  next();
} else if (step.stream) {
  const chunk = audio(2560);
  setInterval(() => process.stdout.write(chunk), 10);
} else if (step.flood) {
  const chunk = audio(65536);
  const write = () => { while (process.stdout.write(chunk)); process.stdout.once("drain", write); };
  write();
}
`;

export interface FakeRecorder {
  /** Absolute path of the recorder module, to pass as `recorder`. */
  module: string;
  /** Processes started so far, with the arguments the module was given. */
  starts(): Array<{ pid: number; device: string; rate: string; channels: string; type: string }>;
}

export function installFakeRecorder(dir: string, plan: Step[]): FakeRecorder {
  writeFileSync(join(dir, "fake-recorder.cjs"), MODULE);
  writeFileSync(join(dir, "fake-recorder-process.cjs"), PROCESS);
  writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
  appendFileSync(join(dir, "starts.jsonl"), "");
  return {
    module: join(dir, "fake-recorder.cjs"),
    starts: () =>
      readFileSync(join(dir, "starts.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}
