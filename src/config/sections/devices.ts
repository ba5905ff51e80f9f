import { z } from "zod";
import { tokenize } from "../../util/words.js";

const DOMAINS = [
  "light",
  "switch",
  "fan",
  "climate",
  "lock",
  "cover",
  "media_player",
  "scene",
  "script",
  "sensor",
  "binary_sensor",
] as const;

/**
 * Names and areas go into Whisper's prompt, which keeps only its end when too long: one
 * learned device with a 2,000-word name (a broken or hostile discovery message) pushed every
 * real name out of it. Nobody says a name this long.
 */
const MAX_SPOKEN_CHARS = 120;
const spokenText = () =>
  z.string().max(MAX_SPOKEN_CHARS, `a spoken name or area of at most ${MAX_SPOKEN_CHARS} characters`);

export const deviceSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9_]+$/, "expected an entity id of [a-z0-9_]")
    .describe("Entity id"),
  name: spokenText().min(1).describe("What people say"),
  aliases: z.array(spokenText().min(1)).default([]).describe("Other names people use"),
  area: spokenText().nullable().default(null).describe("Area (room) the device is in"),
  domain: z.enum(DOMAINS).describe("Home Assistant domain"),
  device_class: z
    .string()
    .nullable()
    .default(null)
    .describe("Optional device class (garage, door, gate for covers)"),
  command_topic: z
    .string()
    .min(1)
    .regex(/^[^#+]+$/, "expected a topic without + or # wildcards")
    .describe("MQTT topic that commands the device"),
  state_topic: z
    .string()
    .regex(/^[^#+]+$/, "expected a topic without + or # wildcards")
    .nullable()
    .default(null)
    .describe(
      "MQTT topic the device reports its state on, kept for answers (a climate device's: its current temperature)",
    ),
  state_template: z
    .string()
    .max(200)
    .nullable()
    .default(null)
    .describe(
      "How to read a state message, as Home Assistant's value_template: {{ value }} or {{ value_json.key }} (with | float, | int, | round(n)); null reads a plain value or JSON state/current_temperature",
    ),
  schema: z.enum(["json", "default"]).default("json").describe("Payload schema: json or default (ON/OFF)"),
  brightness_scale: z.number().int().min(1).default(255).describe("Device brightness scale (json schema)"),
  brightness_command_topic: z.string().nullable().default(null).describe("Brightness topic (default schema)"),
  temperature_command_topic: z
    .string()
    .nullable()
    .default(null)
    .describe("Target-temperature topic (climate)"),
  payload_on: z.string().default("ON").describe("On payload (default schema)"),
  payload_off: z.string().default("OFF").describe("Off payload (default schema)"),
});

interface Named {
  name?: unknown;
  aliases?: unknown;
  area?: unknown;
  domain?: unknown;
}

/**
 * Two devices of one kind that share a spoken name (name or alias) in one area, or where
 * either has no area, can never be told apart: "turn on the desk lamp" is refused as not
 * understood and neither is reachable by that name. Said at load, naming both, rather than
 * discovered as a silent "sorry" at run time.
 */
function checkSpokenNames(devices: readonly unknown[], ctx: z.RefinementCtx): void {
  const spoken = (text: unknown) => (typeof text === "string" ? tokenize(text).join(" ") : "");
  const names = (d: Named) =>
    [d.name, ...(Array.isArray(d.aliases) ? d.aliases : [])].map(spoken).filter((n) => n !== "");
  devices.forEach((device, index) => {
    const mine = device as Named | null;
    if (!mine) return;
    const own = new Set(names(mine));
    for (let earlier = 0; earlier < index; earlier++) {
      const other = devices[earlier] as Named | null;
      if (!other || other.domain !== mine.domain) continue;
      const bothAreas = typeof other.area === "string" && typeof mine.area === "string";
      if (bothAreas && spoken(other.area) !== spoken(mine.area)) continue;
      const shared = names(other).find((n) => own.has(n));
      if (shared === undefined) continue;
      const why = bothAreas
        ? `in the same area: neither can be told apart by name; rename one`
        : "and one of them has no area: that one cannot be reached by name; give it its area, or rename one";
      ctx.addIssue({
        code: "custom",
        path: [index, "name"],
        message: `"${shared}" also names devices[${earlier}], a ${String(mine.domain)} too, ${why}`,
      });
      return;
    }
  });
}

export const devicesSection = z
  .array(deviceSchema)
  .check(
    z.superRefine(
      (devices: unknown, ctx) => {
        if (!Array.isArray(devices)) return;
        const seen = new Set<string>();
        devices.forEach((device, index) => {
          const id = (device as { id?: unknown } | null)?.id;
          if (typeof id !== "string") return;
          if (seen.has(id))
            ctx.addIssue({ code: "custom", path: [index, "id"], message: `duplicate device id "${id}"` });
          seen.add(id);
        });
        checkSpokenNames(devices, ctx);
      },
      // Run even when some device is invalid, so every problem is listed at once.
      { when: () => true },
    ),
  )
  .default([])
  .describe("Devices that can be controlled (more are learned from Home Assistant discovery)");
