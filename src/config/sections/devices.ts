import { z } from "zod";

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
  min_temp: z
    .number()
    .nullable()
    .default(null)
    .describe(
      "Lowest target temperature the device takes (climate, as Home Assistant's min_temp); null: any room temperature in °C (5-35) or °F (40-95)",
    ),
  max_temp: z
    .number()
    .nullable()
    .default(null)
    .describe("Highest target temperature the device takes (climate, as Home Assistant's max_temp)"),
  payload_on: z.string().default("ON").describe("On payload (default schema)"),
  payload_off: z.string().default("OFF").describe("Off payload (default schema)"),
});

export const devicesSection = z
  .array(deviceSchema)
  .check(
    z.superRefine(
      (devices: unknown, ctx) => {
        if (!Array.isArray(devices)) return;
        const seen = new Set<string>();
        devices.forEach((device, index) => {
          const id = (device as { id?: unknown } | null)?.id;
          const { min_temp: min, max_temp: max } = (device ?? {}) as {
            min_temp?: unknown;
            max_temp?: unknown;
          };
          if (typeof min === "number" && typeof max === "number" && min >= max)
            ctx.addIssue({
              code: "custom",
              path: [index, "max_temp"],
              message: "expected max_temp above min_temp",
            });
          if (typeof id !== "string") return;
          if (seen.has(id))
            ctx.addIssue({ code: "custom", path: [index, "id"], message: `duplicate device id "${id}"` });
          seen.add(id);
        });
      },
      // Run even when some device is invalid, so every problem is listed at once.
      { when: () => true },
    ),
  )
  .default([])
  .describe("Devices that can be controlled (more are learned from Home Assistant discovery)");
