import { CLOCK_INTENTS, DEVICE_CONTROL_INTENTS, DEVICE_STATE_INTENTS } from "./builtin-devices.js";
import { TIMER_INTENTS, TIMER_LISTS } from "./builtin-timers.js";
import type { TemplateSet } from "./types.js";

/**
 * Built-in English sentences, in the same shape as a user's templates file. Ordered: when
 * two sentences match equally well, the earlier wins. `<target>` covers a device by name
 * (optionally with its area), all devices of a kind in an area, or all of a kind.
 */
export const BUILTIN_TEMPLATES: TemplateSet = {
  expansion_rules: {
    the: "[the|my|all the|all|all of the]",
    in_area: "(in|on|at|for) [the] {area}",
    target: "<the> ({name} [<in_area>]|{area} {domain}|{domain} <in_area>|{domain})",
    turn: "(turn|switch|put|shut)",
    percent: "(percent|per cent|%)",
    degrees: "[degrees] [celsius|fahrenheit|centigrade]",
    set: "(set|change|put|make|turn|adjust)",
    start: "(set|start|create|make)",
    my: "[the|my|that|this]",
    timer_stop: "(cancel|stop|delete|remove|end|clear|turn off|kill)",
    it: "(it|them|that|those)",
  },
  lists: {
    domain: {
      values: [
        ...["light", "lights", "lamp", "lamps", "lighting"].map((w) => ({ in: w, out: "light" })),
        ...["switch", "switches", "plug", "plugs", "socket", "sockets", "outlet", "outlets"].map((w) => ({
          in: w,
          out: "switch",
        })),
        ...["fan", "fans"].map((w) => ({ in: w, out: "fan" })),
        ...[
          "blind",
          "blinds",
          "shade",
          "shades",
          "curtain",
          "curtains",
          "shutter",
          "shutters",
          "cover",
          "covers",
        ].map((w) => ({ in: w, out: "cover" })),
        ...["lock", "locks"].map((w) => ({ in: w, out: "lock" })),
        ...["thermostat", "thermostats", "heating", "heater", "air conditioning"].map((w) => ({
          in: w,
          out: "climate",
        })),
        ...["tv", "television", "speaker", "speakers"].map((w) => ({ in: w, out: "media_player" })),
      ],
    },
    // The colour names the MQTT command publisher turns into RGB (src/mqtt/colors.ts).
    color: {
      values: [
        ...["red", "green", "blue", "yellow", "orange", "purple", "violet", "pink", "magenta", "cyan"],
        ...["turquoise", "white", "warm white", "brown", "gold", "lime", "indigo"],
        { in: "cool white", out: "white" },
        { in: "cold white", out: "white" },
      ],
    },
    state: { values: ["on", "off", "open", "closed", "locked", "unlocked"] },
    ...TIMER_LISTS,
  },
  intents: {
    ...DEVICE_CONTROL_INTENTS,
    ...TIMER_INTENTS,
    ...DEVICE_STATE_INTENTS,
    ...CLOCK_INTENTS,
    HassNevermind: {
      data: [
        { sentences: ["(never mind|nevermind|forget it|forget about it|cancel|nothing|no thanks|stop)"] },
      ],
    },
  },
  skip_words: [
    "please",
    "can you",
    "could you",
    "would you",
    "will you",
    "would you mind",
    "i want you to",
    "i would like you to",
    "id like you to",
    "i want to",
    "hey",
    "ok",
    "okay",
    "so",
    "and",
    "now",
    "just",
    "thanks",
    "thank you",
    "for me",
    "right now",
  ],
};
