/**
 * Advice on an ALSA capture device name, logged once when the microphone starts: the two
 * mistakes that work today and break later or elsewhere.
 */
export function deviceAdvice(device: string, recorder: string): string | undefined {
  if (recorder === "rec" && device !== "default")
    return `the rec recorder ignores audio.device ("${device}"); use recorder: arecord or sox to pick a device`;
  const numbered = /^(plug)?hw:(\d+)(,(\d+))?/.exec(device);
  if (numbered) {
    const plug = numbered[1] ? "plughw" : "hw";
    return `audio.device "${device}" names the card by number, which changes when USB devices are replugged or found in another order at boot; prefer its name, e.g. ${plug}:CARD=<name>,DEV=${numbered[4] ?? "0"} (see: arecord -L)`;
  }
  if (/^hw:/.test(device))
    return `audio.device "${device}" is a raw hw: device, which records only the card's own formats; if it fails with "Rate 16000Hz not available", use plughw: or set audio.capture_rate/capture_channels to what the card supports`;
  return undefined;
}
