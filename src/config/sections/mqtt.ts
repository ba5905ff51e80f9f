import { z } from "zod";
import { secret, section, urlString } from "../fields.js";

/** What Home Assistant discovery can add (ha-discovery.ts turns only these into devices). */
export const LEARNABLE_DOMAINS = ["light", "switch", "fan", "climate", "scene", "lock", "cover"] as const;

export const mqttSection = section(
  {
    url: urlString(["mqtt", "mqtts", "ws", "wss"])
      .nullable()
      .default(null)
      .describe("Broker URL; null starts an embedded broker on embedded_host:embedded_port"),
    embedded_host: z
      .string()
      .default("127.0.0.1")
      .describe("Listen address of the embedded broker (loopback by default)"),
    embedded_port: z.number().int().min(0).max(65535).default(1883).describe("Port of the embedded broker"),
    username: z.string().nullable().default(null).describe("Broker user name"),
    password: z.string().nullable().default(null).meta(secret).describe("Broker password"),
    client_id: z.string().nullable().default(null).describe("MQTT client id; default edge-voice-<site>"),
    keepalive_seconds: z.number().int().min(0).max(3600).default(30).describe("MQTT keepalive"),
    protocol_version: z
      .union([z.literal(5), z.literal(4)])
      .default(5)
      .describe("5 (MQTT 5, falls back to 3.1.1 if refused) or 4 (MQTT 3.1.1)"),
    session_expiry_seconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(0)
      .describe(
        "MQTT 5 session expiry; 0 = clean session (control messages sent while away are not replayed)",
      ),
    connect_timeout_seconds: z
      .number()
      .min(1)
      .max(120)
      .default(10)
      .describe("Time allowed for a connection attempt"),
    reconnect_min_seconds: z
      .number()
      .min(0.1)
      .max(60)
      .default(0.5)
      .describe("Delay before the second reconnect attempt (the first is immediate; doubles, with jitter)"),
    reconnect_max_seconds: z
      .number()
      .min(1)
      .max(3600)
      .default(10)
      .describe(
        "Longest reconnect delay (beyond the 10 s command expiry, commands said late in an outage expire)",
      ),
    ca_file: z.string().nullable().default(null).describe("CA certificate (PEM) for mqtts/wss"),
    cert_file: z.string().nullable().default(null).describe("Client certificate (PEM)"),
    key_file: z.string().nullable().default(null).describe("Client key (PEM)"),
    reject_unauthorized: z.boolean().default(true).describe("Verify the broker's TLS certificate"),
    topic_prefix: z
      .string()
      .regex(/^[^#+]+$/, "expected a topic prefix without + or #")
      .default("edge-voice")
      .describe("Prefix of edge-voice's own topics"),
    hermes: z.boolean().default(true).describe("Publish Hermes-compatible topics (hermes/...)"),
    discovery: z
      .boolean()
      .default(true)
      .describe("Announce the assistant to Home Assistant via MQTT discovery"),
    learn_devices: z
      .boolean()
      .default(true)
      .describe(
        "Add devices announced by Home Assistant MQTT discovery to the registry (see learn_allow, learn_domains)",
      ),
    learn_allow: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Learn only from these announcers: a discovery node id, a device identifier or name, or a discovery topic prefix (homeassistant/light/0x0015); empty = any announcer",
      ),
    learn_domains: z
      .array(z.enum(LEARNABLE_DOMAINS))
      .default(["light", "switch", "fan", "climate", "scene"])
      .describe(
        "Kinds of device that may be learned; locks and covers are left out by default, so nobody who can publish discovery can add a door (list them here, ideally with learn_allow)",
      ),
    learn_max_devices: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(300)
      .describe("Most devices learned from discovery; more are ignored with one warning"),
    discovery_prefix: z.string().default("homeassistant").describe("Home Assistant discovery prefix"),
    text_per_second: z
      .number()
      .min(0.01)
      .max(1000)
      .default(2)
      .describe("set/text messages accepted per second (token bucket); more are refused with input-rejected"),
    text_burst: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(10)
      .describe("set/text messages accepted at once before text_per_second applies"),
    command_expiry_seconds: z
      .number()
      .min(1)
      .max(3600)
      .default(10)
      .describe("A device command not delivered within this time is dropped"),
    command_intent_id: z
      .boolean()
      .default(true)
      .describe('Add "intent_id" to json-schema device commands (Zigbee2MQTT logs unknown keys)'),
    outbox: z
      .boolean()
      .default(true)
      .describe("Keep queued events and commands on disk under state_dir (false: in memory only)"),
    outbox_max_messages: z
      .number()
      .int()
      .min(10)
      .default(10_000)
      .describe("Most messages kept on disk while the broker is away"),
    outbox_max_bytes: z
      .number()
      .int()
      .min(1024)
      .default(10_000_000)
      .describe("Most bytes kept on disk while the broker is away"),
  },
  "MQTT output",
);
