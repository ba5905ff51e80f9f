import type { Topics } from "./topics.js";

/**
 * Home Assistant device-based discovery of the assistant itself: one device with an event
 * entity (intents), two sensors (last transcript, last latency), a binary sensor
 * (listening) and a switch (mute). Published retained on connect and whenever
 * `<discovery>/status` says `online` (Home Assistant restarted).
 */
export function assistantDiscovery(topics: Topics, version: string): Record<string, unknown> {
  const id = `edge_voice_${topics.site.replace(/-/g, "_")}`;
  const component = (key: string, platform: string, fields: Record<string, unknown>) => [
    key,
    // No object_id (deprecated by Home Assistant): entity ids follow from the device and entity names.
    { platform, unique_id: `${id}_${key}`, ...fields },
  ];
  return {
    device: {
      identifiers: [id],
      name: `edge-voice ${topics.site}`,
      manufacturer: "edge-voice",
      model: "offline voice assistant",
      sw_version: version,
    },
    origin: { name: "edge-voice", sw_version: version },
    availability_topic: topics.status,
    payload_available: "online",
    payload_not_available: "offline",
    components: Object.fromEntries([
      component("intent", "event", {
        name: "Intent",
        state_topic: topics.intent,
        event_types: ["recognized", "not_recognized"],
      }),
      component("transcript", "sensor", {
        name: "Last transcript",
        state_topic: topics.state("transcript"),
        icon: "mdi:text-recognition",
      }),
      component("latency", "sensor", {
        name: "Last latency",
        state_topic: topics.state("latency"),
        unit_of_measurement: "ms",
        device_class: "duration",
        state_class: "measurement",
      }),
      component("listening", "binary_sensor", {
        name: "Listening",
        state_topic: topics.state("listening"),
        payload_on: "ON",
        payload_off: "OFF",
        icon: "mdi:microphone",
      }),
      component("mute", "switch", {
        name: "Mute",
        state_topic: topics.state("mute"),
        command_topic: topics.setMute,
        payload_on: "ON",
        payload_off: "OFF",
        icon: "mdi:microphone-off",
      }),
    ]),
  };
}
