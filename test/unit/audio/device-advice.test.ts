import { describe, expect, it } from "vitest";
import { deviceAdvice } from "../../../src/audio/device-advice.js";

describe("deviceAdvice", () => {
  it("says nothing about names that survive a replug", () => {
    for (const device of [
      "default",
      "plughw:CARD=Device,DEV=0",
      "pulse",
      "dsnoop:CARD=Mic",
      "sysdefault:CARD=Array",
    ]) {
      expect(deviceAdvice(device, "arecord"), device).toBeUndefined();
    }
  });

  it("points card numbers to card names", () => {
    expect(deviceAdvice("plughw:1,0", "arecord")).toMatch(
      /by number.*plughw:CARD=<name>,DEV=0 \(see: arecord -L\)/,
    );
    expect(deviceAdvice("hw:2", "arecord")).toMatch(/hw:CARD=<name>,DEV=0/);
  });

  it("warns that raw hw: devices may not record 16 kHz", () => {
    expect(deviceAdvice("hw:CARD=Device,DEV=0", "arecord")).toMatch(/Rate 16000Hz not available.*plughw:/);
  });

  it("warns that rec cannot choose a device", () => {
    expect(deviceAdvice("plughw:CARD=Device,DEV=0", "rec")).toMatch(/rec recorder ignores audio.device/);
    expect(deviceAdvice("default", "rec")).toBeUndefined();
  });
});
