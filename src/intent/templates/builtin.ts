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
    // What people call kitchen timers ("the pasta timer"); a templates file can add its own.
    timer_name: {
      values: [
        ...["pasta", "egg", "eggs", "rice", "pizza", "bread", "cake", "cookie", "cookies", "tea", "coffee"],
        ...["oven", "roast", "chicken", "potato", "potatoes", "soup", "sauce", "steak", "fish", "dough"],
        ...["laundry", "washing", "dryer", "dishwasher", "parking", "nap", "homework", "workout", "break"],
        ...["medicine", "bath", "kids", "bedtime", "cooking", "baking", "kitchen", "tv", "game"],
      ],
    },
  },
  intents: {
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
    // Timers (run by the board: src/skills/timers/). Learned from home-assistant/intents'
    // timer sentences; a timer's name is a closed list ({timer_name}, extendable in a templates
    // file) where Home Assistant takes any words, so guided speech recognition can know them.
    HassStartTimer: {
      data: [
        {
          sentences: [
            "<start> [a|an|the|me a] timer (for|of) {duration}",
            "<start> [a|an|me a] {duration} timer",
            "timer (for|of) {duration}",
            "{duration} timer",
            "<start> [a|an] timer {duration}",
            "<start> [a|an|the|me a] {timer_name} timer (for|of) {duration}",
            "<start> [a|an|me a] {duration} {timer_name} timer",
            "{timer_name} timer (for|of) {duration}",
            "{duration} {timer_name} timer",
            "<start> [a|an|me a] timer (for|of) {duration} (for|called|named) [the|my] {timer_name}",
            "<start> [a|an|me a] timer <in_area> (for|of) {duration}",
          ],
        },
      ],
    },
    HassCancelTimer: {
      data: [
        {
          sentences: [
            "<timer_stop> <my> timer",
            "<timer_stop> <my> {timer_name} timer",
            "<timer_stop> <my> {duration} timer",
            "<timer_stop> <my> {area} timer",
          ],
        },
        { sentences: ["<timer_stop> <my> (last|latest|newest) [timer|one]"], slots: { which: "last" } },
        {
          sentences: [
            "<timer_stop> (all|all the|all my|every|each) (timer|timers)",
            "<timer_stop> <my> timers",
          ],
          slots: { which: "all" },
        },
      ],
    },
    HassIncreaseTimer: {
      data: [
        {
          sentences: [
            "(add|put) [another|an extra|extra] {duration} [more] (to|on|onto) <my> [{timer_name}] timer",
            "(increase|extend|lengthen) <my> [{timer_name}] timer by {duration}",
            "add [another|an extra|extra] {duration} [more]",
          ],
        },
      ],
    },
    HassDecreaseTimer: {
      data: [
        {
          sentences: [
            "(remove|subtract|take|knock) {duration} (from|off) <my> [{timer_name}] timer",
            "(decrease|reduce|shorten|cut) <my> [{timer_name}] timer by {duration}",
          ],
        },
      ],
    },
    HassTimerStatus: {
      data: [
        {
          sentences: [
            "[how much] time [is] (left|remaining) (on|for|in) <my> [{timer_name}|{duration}] (timer|timers)",
            "how (much time|long) [is] (left|remaining|to go)",
            "how (much time|long) [is] (left|remaining|to go) (on|for) <my> [{timer_name}|{duration}] (timer|timers)",
            "how long (until|till|before) <my> [{timer_name}] timer (ends|is done|goes off|rings)",
            "[what is|whats] [the] status of <my> [{timer_name}] (timer|timers)",
            "[{timer_name}] (timer|timers) status",
            "(what|which) timers (are|do i have) [running|set|on]",
            "(check|show) <my> [{timer_name}] (timer|timers)",
          ],
        },
      ],
    },
    HassPauseTimer: {
      data: [
        {
          sentences: [
            "(pause|hold|freeze) <my> [{timer_name}|{duration}] timer",
            "(pause|hold) all [the|my] timers",
          ],
        },
      ],
    },
    HassUnpauseTimer: {
      data: [
        {
          sentences: [
            "(unpause|resume|continue|restart|unfreeze) <my> [{timer_name}|{duration}] timer",
            "(unpause|resume|continue) all [the|my] timers",
          ],
        },
      ],
    },
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
