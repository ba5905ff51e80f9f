import type { TemplateSet } from "./types.js";

type Intents = NonNullable<TemplateSet["intents"]>;

/** Controlling a device: on and off, lights, climate (sentences over `<target>`, see builtin.ts). */
export const DEVICE_CONTROL_INTENTS: Intents = {
  HassTurnOn: {
    data: [
      { sentences: ["<turn> on <target>", "<turn> <target> on [<in_area>]", "<target> on [<in_area>]"] },
      // "It" names no device: these never match alone; they are here so guided speech recognition
      // can hear a follow-up as said (intent/follow-up.ts resolves it from the previous intent).
      { sentences: ["<turn> <it> [back] on", "<turn> [back] on <it>"] },
      { sentences: ["lock <target>", "<target> lock"], requires: { domain: ["lock"] } },
      { sentences: ["(open|raise|lift) <target>", "<target> (open|up)"], requires: { domain: ["cover"] } },
      { sentences: ["(activate|run|start) <target>"], requires: { domain: ["scene", "script"] } },
    ],
  },
  HassTurnOff: {
    data: [
      {
        sentences: [
          "<turn> off <target>",
          "<turn> <target> off [<in_area>]",
          "<target> off [<in_area>]",
          "kill <target>",
        ],
      },
      { sentences: ["<turn> <it> [back] off", "<turn> off <it>"] },
      { sentences: ["unlock <target>", "<target> unlock"], requires: { domain: ["lock"] } },
      {
        sentences: ["(close|shut|lower) <target>", "<target> (close|closed|down)"],
        requires: { domain: ["cover"] },
      },
      { sentences: ["disarm <target>"], requires: { domain: ["alarm_control_panel"] } },
    ],
  },
  HassLightSet: {
    data: [
      {
        sentences: [
          "(<set>|dim|brighten) <target> to {brightness} [<percent>]",
          "(<set>|dim|brighten) <the> {area} to {brightness} [<percent>]",
          "<set> [the] brightness (of|for) <target> to {brightness} [<percent>]",
          "<set> <the> {area} brightness to {brightness} [<percent>]",
          "<target> [to|at] {brightness} <percent>",
          "(dim|brighten) <target> [to] {brightness} <percent>",
        ],
        requires: { domain: ["light"] },
      },
      {
        sentences: ["<set> <target> [to] [the color] {color}", "<set> <the> {area} [lights] [to] {color}"],
        requires: { domain: ["light"] },
      },
      {
        sentences: ["<target> [to] full brightness", "<set> <target> to full brightness"],
        requires: { domain: ["light"] },
        slots: { brightness: 100 },
      },
    ],
  },
  HassClimateSetTemperature: {
    data: [
      {
        sentences: [
          "<set> <the> (temperature|thermostat|heating|heat|ac) [<in_area>] to {temperature} <degrees>",
          "<set> <the> {area} (temperature|thermostat|heating) to {temperature} <degrees>",
          "<set> <the> {name} to {temperature} <degrees>",
          "(make|set) it {temperature} degrees [<in_area>]",
          "(turn|put) <the> (heating|heat|temperature|thermostat) (up|down) to {temperature} <degrees> [<in_area>]",
          "{temperature} degrees <in_area>",
        ],
        requires: { domain: ["climate"] },
      },
    ],
  },
};

/** Asking a device's state, a room's temperature. */
export const DEVICE_STATE_INTENTS: Intents = {
  HassGetState: {
    data: [
      { sentences: ["(is|are) <target> {state}", "(is|are) <target> (still|currently) {state}"] },
      {
        sentences: [
          "(what is|whats|tell me|check) the (state|status) of <target>",
          "(what is|whats) <target> (state|status)",
          "(what is|whats|tell me) <the> {name} [<in_area>]",
        ],
      },
      {
        // A room's temperature from its temperature sensor or thermostat (state_topic); without a room, the board's.
        sentences: [
          "(what is|whats|tell me|how much is) the (temperature|temp) [<in_area>]",
          "(what is|whats) the {area} temperature",
          "how (warm|hot|cold) is it [<in_area>]",
        ],
        requires: { domain: ["sensor", "climate"] },
        slots: { device_class: "temperature" },
      },
    ],
  },
};

/** The time and the date, answered by the board itself. */
export const CLOCK_INTENTS: Intents = {
  HassGetCurrentTime: {
    data: [
      {
        sentences: [
          "what time is it",
          "(what is|whats) the [current] time",
          "(tell me|do you know|have you got|got) the time",
          "what is the time",
        ],
      },
    ],
  },
  HassGetCurrentDate: {
    data: [
      {
        sentences: [
          "(what is|whats) [the] (date|day) [today]",
          "(what is|whats) todays date",
          "(what|which) day is it [today]",
          "(what is|whats) today",
          "(tell me|do you know) the date",
        ],
      },
    ],
  },
};
