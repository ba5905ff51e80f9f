import { type Check, fail, pass, warn } from "./types.js";

const CAPTURE_SECONDS = 1.5;
/** A real microphone's noise floor sits around -75..-45 dBFS; below this it is muted or dead. */
const SILENCE_DBFS = -85;

/** Capture devices from `arecord -L` (names at the start of a line; `null` is not a device). */
export function parseArecordList(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => line.length > 0 && !/^\s/.test(line))
    .map((line) => line.trim())
    .filter((name) => name !== "null");
}

export const checkAudioDevices: Check = async ({ probes, config }) => {
  if (probes.platform() !== "linux") {
    return [
      pass("audio-devices", "Audio devices", `ALSA listing skipped on ${probes.platform()} (sox records)`),
    ];
  }
  const result = await probes.run("arecord", ["-L"], 5000);
  if (result.error === "ENOENT") {
    return [
      fail("audio-devices", "Audio devices", "arecord is not installed", "sudo apt install alsa-utils"),
    ];
  }
  const devices = parseArecordList(result.stdout);
  if (devices.length === 0) {
    return [
      fail(
        "audio-devices",
        "Audio devices",
        "no capture device found",
        "plug in a USB microphone (or a HAT and its overlay), then run `arecord -L`",
      ),
    ];
  }
  const shown = devices
    .filter((d) => /^(plughw|hw|default|sysdefault):/.test(d) || d === "default")
    .slice(0, 6);
  const configured = config?.audio.device;
  const detail = `${devices.length} capture device(s): ${(shown.length ? shown : devices.slice(0, 6)).join(", ")}`;
  if (
    configured &&
    configured !== "default" &&
    !devices.includes(configured) &&
    !/^(plug)?hw:\d/.test(configured)
  ) {
    return [
      warn(
        "audio-devices",
        "Audio devices",
        `${detail}; audio.device "${configured}" is not among them`,
        "set audio.device to one of the names `arecord -L` prints (prefer plughw:CARD=...,DEV=0)",
      ),
    ];
  }
  return [pass("audio-devices", "Audio devices", detail)];
};

/** Root-mean-square level in dBFS (-Infinity for digital silence). */
export function levelDbfs(samples: Int16Array): number {
  if (samples.length === 0) return Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const s of samples) sum += s * s;
  return 20 * Math.log10(Math.sqrt(sum / samples.length) / 32768);
}

export const checkMicrophone: Check = async ({ probes, config }) => {
  if (!config) return [];
  const device = config.audio.device;
  const title = "Microphone";
  const captured = await probes.capture(config.audio, CAPTURE_SECONDS, 8000);
  if (!captured.samples) {
    return [
      fail(
        "microphone",
        title,
        `audio.device "${device}" did not open: ${captured.reason ?? "no audio"}`,
        "pick a device from `arecord -L` (plughw:CARD=...,DEV=0); is another program (PipeWire, a second edge-voice) holding it?",
      ),
    ];
  }
  const seconds = captured.samples.length / 16_000;
  if (seconds < CAPTURE_SECONDS * 0.5) {
    return [
      fail(
        "microphone",
        title,
        `"${device}" delivered only ${seconds.toFixed(2)} s of audio`,
        "check the device with `arecord -D <device> -d 3 test.wav`",
      ),
    ];
  }
  const level = levelDbfs(captured.samples);
  const shown = Number.isFinite(level) ? `${level.toFixed(0)} dBFS` : "digital silence";
  if (level < SILENCE_DBFS) {
    return [
      warn(
        "microphone",
        title,
        `"${device}" opens but delivers silence (${shown})`,
        "unmute and raise the capture level: `alsamixer` (F4 for Capture, select the card with F6)",
      ),
    ];
  }
  return [
    pass(
      "microphone",
      title,
      `"${device}" opens and delivers audio (level ${shown} over ${seconds.toFixed(1)} s)`,
    ),
  ];
};
