import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SoundPlayer, type SoundPlayerOptions } from "../../src/feedback/player.js";
import { findProgram } from "../../src/system/which.js";
import { FakePrograms } from "../support/fake-programs.js";
import { ManualTimers } from "../support/manual-timers.js";
import { isRunning } from "../support/processes.js";
import { waitFor } from "../support/wait-for.js";

const WAV = new Uint8Array([82, 73, 70, 70, 1, 2, 3, 4]);

let fakes: FakePrograms;
let players: SoundPlayer[] = [];

beforeEach(() => {
  fakes = new FakePrograms();
});

afterEach(async () => {
  for (const p of players) await p.dispose();
  players = [];
  fakes.dispose();
});

function warnings() {
  const warned: string[] = [];
  const logger = { warn: (m: string) => warned.push(m), debug: () => {} } as never;
  return { warned, logger };
}

function player(options: Partial<SoundPlayerOptions> = {}): SoundPlayer {
  const p = new SoundPlayer({
    player: "aplay",
    outputDevice: null,
    programs: { aplay: fakes.path("aplay"), play: fakes.path("play"), espeak: fakes.path("espeak-ng") },
    env: fakes.env,
    tailMs: 0,
    ...options,
  });
  players.push(p);
  return p;
}

describe("SoundPlayer", () => {
  it("pipes WAV bytes into aplay, with the output device when set", async () => {
    const p = player({ outputDevice: "plughw:CARD=Headphones,DEV=0" });
    await p.playWav(WAV);
    expect(fakes.calls()).toEqual([
      { program: "aplay", args: ["-q", "-D", "plughw:CARD=Headphones,DEV=0", "-"], stdin: Buffer.from(WAV) },
    ]);
  });

  it("uses sox's play when asked", async () => {
    await player({ player: "play" }).playWav(WAV);
    await player({ player: "play", outputDevice: "hw:1" }).playWav(WAV);
    expect(fakes.calls().map((c) => c.args)).toEqual([
      ["-q", "-t", "wav", "-"],
      ["-q", "-t", "wav", "-", "-t", "alsa", "hw:1"],
    ]);
  });

  it("speaks through espeak-ng piped into the player", async () => {
    await player().speak("kitchen light on", "en-us");
    const calls = fakes.calls();
    expect(calls.find((c) => c.program === "espeak-ng")?.args).toEqual([
      "-v",
      "en-us",
      "--stdout",
      "--",
      "kitchen light on",
    ]);
    expect(calls.find((c) => c.program === "aplay")?.stdin.toString()).toBe("SPEECH:kitchen light on");
  });

  it("speaks a reply's text as one literal argument, tabs and newlines made spaces", async () => {
    const marker = fakes.path("pwned");
    await player().speak(`$(touch ${marker}); 'it's' "on"\tnow\n*`, "en-us");
    const spoken = `$(touch ${marker}); 'it's' "on" now *`;
    const calls = fakes.calls();
    // One argument after "--", whatever it says.
    expect(calls.find((c) => c.program === "espeak-ng")?.args.slice(3)).toEqual(["--", spoken]);
    expect(calls.find((c) => c.program === "aplay")?.stdin.toString()).toBe(`SPEECH:${spoken}`);
    expect(existsSync(marker)).toBe(false);
  });

  it.skipIf(!findProgram("espeak-ng"))("pipes real espeak-ng speech (a WAV) into the player", async () => {
    await player({ programs: { aplay: fakes.path("aplay"), espeak: findProgram("espeak-ng") ?? "" } }).speak(
      "kitchen light on",
      "en-us",
    );
    const wav = fakes.calls().find((c) => c.program === "aplay")?.stdin ?? Buffer.alloc(0);
    expect(wav.subarray(0, 4).toString()).toBe("RIFF");
    expect(wav.subarray(8, 12).toString()).toBe("WAVE");
    expect(wav.length).toBeGreaterThan(10_000); // about a second of 22 kHz speech
  });

  it("plays one sound at a time, in order", async () => {
    const p = player();
    p.playWav(new Uint8Array([1]));
    p.speak("two", "en");
    await p.playWav(new Uint8Array([3]));
    const played = fakes
      .calls()
      .filter((c) => c.program === "aplay")
      .map((c) => c.stdin.toString("latin1"));
    expect(played).toEqual(["\x01", "SPEECH:two", "\x03"]);
  });

  it("gates the microphone from the request until the sound and its tail are over", async () => {
    const timers = new ManualTimers();
    const p = player({ tailMs: 50, timer: timers.timer });
    const changes: boolean[] = [];
    p.onPlaying((playing) => changes.push(playing));
    expect(p.isPlaying()).toBe(false);
    const done = p.playWav(WAV);
    expect(p.isPlaying()).toBe(true);
    p.playWav(WAV);
    await done;
    await p.idle();
    expect(p.isPlaying()).toBe(true); // the tail: echo and buffered capture
    expect(timers.pendingMs()).toEqual([50]);
    timers.advance(49);
    expect(p.isPlaying()).toBe(true);
    timers.advance(1);
    expect(p.isPlaying()).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it("warns once when the player is missing and never rejects", async () => {
    const { warned, logger } = warnings();
    const p = player({ player: "auto", programs: {}, env: { PATH: "/nonexistent" }, logger });
    await p.playWav(WAV);
    await p.playWav(WAV);
    await p.speak("hello", "en");
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/no aplay or play found/);
    expect(p.isPlaying()).toBe(false);
  });

  it("warns once when espeak-ng is missing and still plays earcons", async () => {
    const { warned, logger } = warnings();
    const p = player({
      programs: { aplay: fakes.path("aplay") },
      env: { ...fakes.env, PATH: "/nonexistent" },
      logger,
    });
    expect(p.canSpeak).toBe(false);
    await p.speak("hello", "en");
    await p.playWav(WAV);
    expect(warned).toEqual([
      "feedback: espeak-ng is not installed, so replies are not spoken (apt install espeak-ng)",
    ]);
    expect(fakes.calls().map((c) => c.program)).toEqual(["aplay"]);
  });

  it("warns once with the player's message when it fails (no sound card)", async () => {
    const { warned, logger } = warnings();
    const p = player({ programs: { aplay: fakes.path("failing-player") }, logger });
    await p.playWav(WAV);
    await p.playWav(WAV);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/failing-player failed \(exit 1\): aplay: main:831: audio open error/);
  });

  it.skipIf(!findProgram("espeak-ng"))(
    "survives a player that exits before reading espeak-ng's speech (no sound card)",
    async () => {
      // espeak-ng's WAV goes through a fifo into the player's stdin: a player gone first
      // ends espeak-ng's writing (SIGPIPE), which must be reported as the player's failure.
      const { warned, logger } = warnings();
      const p = player({
        programs: { aplay: fakes.path("refusing-player"), espeak: findProgram("espeak-ng") ?? "" },
        logger,
      });
      const sentence = "the timer for the laundry has finished, it is time to take it out".repeat(4);
      await p.speak(sentence, "en-us");
      await p.speak(sentence, "en-us");
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatch(/refusing-player failed \(exit 1\): aplay: main:831/);
    },
  );

  it("kills a player that hangs, so the gate always opens", async () => {
    const { warned, logger } = warnings();
    const timers = new ManualTimers();
    const p = player({
      programs: { aplay: fakes.path("hanging-player") },
      timeoutMs: 300,
      logger,
      timer: timers.timer,
    });
    const played = p.playWav(WAV);
    // The player is running (it logged its call) and the kill waits on the clock.
    await waitFor(() => fakes.calls().length === 1, { what: "the hanging player to start" });
    expect(timers.pendingMs()).toEqual([300]);
    expect(p.isPlaying()).toBe(true);
    timers.advance(300);
    await played;
    expect(p.isPlaying()).toBe(false);
    expect(warned[0]).toMatch(/SIGKILL/);
    expect(timers.pendingMs()).toEqual([]);
  });

  it("gives up on a sound nobody answers for after the kill, so the gate still opens", async () => {
    // A player whose job shell is killed under it (by the OOM killer, say): its end is never
    // reported, so only the grace after the timeout's kill can end it.
    const orphan = fakes.path("orphaned-player");
    // (The pause lets the job shell report this PID first; the PID file says its shell is gone.)
    writeFileSync(orphan, `#!/bin/sh\nsleep 0.3\nkill -9 $PPID\necho $$ > "${orphan}.pid"\nexec sleep 30\n`);
    chmodSync(orphan, 0o755);
    const { warned, logger } = warnings();
    const timers = new ManualTimers();
    const p = player({ programs: { aplay: orphan }, timeoutMs: 5000, logger, timer: timers.timer });
    const played = p.playWav(WAV);
    const pidFile = `${orphan}.pid`;
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"), {
      what: "the player's job shell to be killed",
    });
    const pid = Number(readFileSync(pidFile, "utf8"));
    timers.advance(5000);
    expect(timers.pendingMs()).toEqual([2000]);
    await waitFor(() => !isRunning(pid), { what: "the player to be killed" });
    expect(p.isPlaying()).toBe(true);
    timers.advance(2000);
    await played;
    expect(p.isPlaying()).toBe(false);
    expect(warned).toEqual([`feedback: ${orphan} no answer after it was killed`]);
  });

  it("dispose stops the sound, drops the queue and is idempotent", async () => {
    const p = player({ programs: { aplay: fakes.path("hanging-player") } });
    p.playWav(WAV);
    p.playWav(WAV);
    await waitFor(() => fakes.calls().length === 1, { what: "the first sound to start" });
    await p.dispose();
    await p.dispose();
    expect(p.isPlaying()).toBe(false);
    expect(fakes.calls()).toHaveLength(1);
    await p.playWav(WAV);
    expect(fakes.calls()).toHaveLength(1);
  });
});
