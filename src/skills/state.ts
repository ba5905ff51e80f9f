import type { Device } from "../intent/registry.js";
import type { RecognizedIntent } from "../intent/types.js";
import type { LocalSkills, SkillAnswer, SkillContext } from "../pipeline/skills.js";
import type { DeviceStates } from "./state-store.js";
import { stateWord } from "./state-words.js";

export interface StateSkillOptions {
  /** The registry's lookup (targets are registry ids). */
  device: (id: string) => Device | undefined;
  states: DeviceStates;
}

/**
 * HassGetState answered from the devices' last reported states ("is the front door locked"
 * -> "the front door is locked"; "what is the temperature in the living room" -> "it's 21.5
 * degrees in the living room"). A device whose state never came, or came as something that
 * means nothing for it, is said to be unknown: the board never guesses.
 */
export class StateSkill implements LocalSkills {
  constructor(private readonly options: StateSkillOptions) {}

  handles(intent: RecognizedIntent): boolean {
    return intent.intent === "HassGetState";
  }

  async perform(intent: RecognizedIntent, context: SkillContext): Promise<SkillAnswer> {
    const devices = intent.targets
      .map((id) => this.options.device(id))
      .filter((d): d is Device => d !== undefined);
    return { speech: stateAnswer(intent.slots, devices, this.options.states, context.area) };
  }
}

interface Known {
  device: Device;
  word: string | number | null;
}

/** The sentence for a state question about `devices`. Pure (the store is read, never written). */
export function stateAnswer(
  slots: Readonly<Record<string, unknown>>,
  devices: readonly Device[],
  states: DeviceStates,
  boardArea: string | null,
): string {
  const read = devices.map((device): Known => {
    const state = states.get(device.id);
    return { device, word: state === undefined ? null : stateWord(device, state.value) };
  });
  if (isTemperatureQuestion(slots, devices)) return temperatureAnswer(read, slots, boardArea);
  const asked = typeof slots.state === "string" ? slots.state : null;
  const known = read.filter((r) => r.word !== null);
  const unknown = read.filter((r) => r.word === null).map((r) => r.device);
  const parts: string[] = [];
  // Devices in the same state share one clause: "the kitchen light and the hall light are on".
  const byWord = new Map<string, Device[]>();
  for (const { device, word } of known)
    byWord.set(String(word), [...(byWord.get(String(word)) ?? []), device]);
  for (const [word, group] of byWord) parts.push(`${names(group)} ${verb(group)} ${word}`);
  if (unknown.length > 0) {
    parts.push(
      asked
        ? `I don't know whether ${names(unknown)} ${verb(unknown)} ${asked}`
        : `I don't know the state of ${names(unknown)}`,
    );
  }
  return parts.join(", and ") || "I don't know";
}

function isTemperatureQuestion(
  slots: Readonly<Record<string, unknown>>,
  devices: readonly Device[],
): boolean {
  if (slots.device_class === "temperature") return true;
  return devices.length > 0 && devices.every(measuresTemperature);
}

/** A thermostat, or a sensor of temperature (by its device class, or named for it: "outside temperature"). */
function measuresTemperature(device: Device): boolean {
  if (device.domain === "climate") return true;
  return (
    device.domain === "sensor" && (device.device_class === "temperature" || /temperature/.test(device.name))
  );
}

/** A temperature sensor first, then a climate device's current temperature; the first known wins. */
function temperatureAnswer(
  read: readonly Known[],
  slots: Readonly<Record<string, unknown>>,
  boardArea: string | null,
): string {
  const rank = (d: Device) => (d.domain === "sensor" ? 0 : 1);
  const candidates = read
    .filter((r) => measuresTemperature(r.device))
    .sort((a, b) => rank(a.device) - rank(b.device));
  const found = candidates.find((r) => typeof r.word === "number");
  const area = typeof slots.area === "string" ? slots.area : (found?.device.area ?? boardArea);
  const where = area ? ` in the ${spokenArea(area)}` : "";
  if (!found) return `I don't know the temperature${where}`;
  const degrees = `${found.word} degrees`;
  // A sensor named for what it measures ("outside temperature") is its own place.
  if (typeof slots.name === "string" && slots.device_class !== "temperature")
    return `${names([found.device])} is ${degrees}`;
  return `it's ${degrees}${where}`;
}

function spokenArea(area: string): string {
  return area.replace(/_/g, " ");
}

/** "the front door", "the kitchen light and the hall light", "4 devices". */
function names(devices: readonly Device[]): string {
  if (devices.length > 3) return `${devices.length} devices`;
  const spoken = devices.map((d) => (/^(the|my|our) /i.test(d.name) ? d.name : `the ${d.name}`));
  if (spoken.length <= 1) return spoken[0] ?? "";
  return `${spoken.slice(0, -1).join(", ")} and ${spoken.at(-1)}`;
}

/** "is" for one thing, "are" for several or for a plural name ("the kitchen spotlights are on"). */
function verb(devices: readonly Device[]): string {
  if (devices.length !== 1) return "are";
  const last = devices[0]?.name.split(/\s+/).at(-1) ?? "";
  return /[^su]s$/i.test(last) ? "are" : "is";
}
