import type { Topics } from "./topics.js";

/**
 * Home Assistant device-based discovery of the assistant itself: one device with an event
 * entity (intents), two sensors (last transcript, last latency), a binary sensor
 * (listening) and a switch (mute); with timers, a timestamp sensor (the next timer's end),
 * an event entity (timers started, finished, cancelled) and a button (stop the ringing). Published retained on connect and whenever
 * `<discovery>/status` says `online` (Home Assistant restarted).
 */
export function assistantDiscovery(topics: Topics, version: string, timers = false): Record<string, unknown> {
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
      ...(timers ? timerComponents(topics, component) : []),
    ]),
  };
}

/** With timers on (src/mqtt/timers.ts): the next timer's end, an event per timer, a button that stops the ringing. */
function timerComponents(
  topics: Topics,
  component: (key: string, platform: string, fields: Record<string, unknown>) => unknown[],
) {
  return [
    component("next_timer", "sensor", {
      name: "Next timer",
      state_topic: topics.state("next_timer"),
      device_class: "timestamp",
      json_attributes_topic: topics.timers,
      json_attributes_template: "{{ {'timers': value_json} | tojson }}",
      icon: "mdi:timer-outline",
    }),
    component("timer", "event", {
      name: "Timer",
      state_topic: topics.timerEvent,
      event_types: ["started", "finished", "cancelled"],
      icon: "mdi:timer-alert-outline",
    }),
    component("stop_timer", "button", {
      name: "Stop timer",
      command_topic: topics.setTimer,
      payload_press: "stop",
      icon: "mdi:timer-off-outline",
    }),
  ];
}
