import type { Device } from "../intent/registry.js";
import type { StateValue } from "./state-payload.js";

/** Binary sensors whose "on" means open (Home Assistant's device classes). */
const OPENING_CLASSES = new Set(["door", "garage_door", "opening", "window"]);

/**
 * A device's reported value in the words of an answer: "on", "locked", "open", a number for a
 * sensor or a climate device (its current temperature). Null when the value means nothing for
 * that kind of device (a lock reporting "42"): the answer then says it does not know. Pure.
 */
export function stateWord(device: Device, value: StateValue): string | number | null {
  const word = typeof value === "string" ? value.trim().toLowerCase() : value;
  switch (device.domain) {
    case "lock":
      return lockWord(word);
    case "cover":
      return coverWord(word);
    case "binary_sensor": {
      const on = onOff(device, word);
      if (on === null) return null;
      if (OPENING_CLASSES.has(device.device_class ?? "")) return on ? "open" : "closed";
      if (device.device_class === "lock") return on ? "unlocked" : "locked";
      return on ? "on" : "off";
    }
    case "sensor":
    case "climate":
      return typeof word === "number"
        ? word
        : typeof word === "string" && device.domain === "sensor"
          ? word
          : null;
    default: {
      const on = onOff(device, word);
      if (on !== null) return on ? "on" : "off";
      // A media player's own words (playing, paused, idle) are already what people say.
      return device.domain === "media_player" && typeof word === "string" && /^[a-z ]+$/.test(word)
        ? word
        : null;
    }
  }
}

function onOff(device: Device, word: string | number | boolean): boolean | null {
  if (word === true || word === "on" || word === device.payload_on.toLowerCase()) return true;
  if (word === false || word === "off" || word === device.payload_off.toLowerCase()) return false;
  return null;
}

function lockWord(word: string | number | boolean): string | null {
  if (word === "locked" || word === "lock" || word === true) return "locked";
  if (word === "unlocked" || word === "unlock" || word === false) return "unlocked";
  return typeof word === "string" && ["jammed", "locking", "unlocking", "open", "opening"].includes(word)
    ? word
    : null;
}

function coverWord(word: string | number | boolean): string | null {
  // A position in percent: 0 is closed.
  if (typeof word === "number") return word <= 0 ? "closed" : "open";
  if (word === "close" || word === "closed") return "closed";
  return typeof word === "string" && ["open", "opening", "closing", "stopped"].includes(word) ? word : null;
}
