import type { TemplateSet } from "./types.js";

/** How far one "brighter" / "dimmer" goes, in percentage points of brightness. */
export const BRIGHTNESS_STEP = 20;
/** How far one "warmer" / "cooler" goes, in degrees. */
export const TEMPERATURE_STEP = 1;

/**
 * Relative changes ("make the kitchen light brighter", "turn it up", "warmer"). Home Assistant
 * has no intent for them, so they stay its intents with a signed step slot, as its
 * light.turn_on has `brightness_step_pct`: HassLightSet `brightness_step` (percentage points)
 * and HassClimateSetTemperature `temperature_step` (degrees). The intent stage makes a step
 * absolute when the level is known from the conversation (intent/relative.ts); MQTT sends what
 * is left as a step only where the device takes one (docs/conversation.md). Sentences with
 * "it" or with no target never match alone: they are here so guided speech recognition hears
 * them, and follow-ups (intent/follow-up.ts) read them with the previous run's target.
 */
export const RELATIVE_TEMPLATES: TemplateSet = {
  expansion_rules: {
    bit: "[a [little] bit|a little|a lot|much|slightly|some]",
    brighter: "(brighter|lighter)",
    dimmer: "(dimmer|darker|less bright)",
    warmer: "(warmer|hotter)",
    cooler: "(cooler|colder)",
  },
  intents: {
    HassLightSet: {
      data: [
        {
          sentences: [
            "(make|turn|get) <target> <bit> <brighter> [<in_area>]",
            "(brighten|brighten up) <target> [<bit>]",
            "(turn|put) up <target>",
            "(turn|put) <target> up [<in_area>]",
          ],
          requires: { domain: ["light"] },
          slots: { brightness_step: BRIGHTNESS_STEP },
        },
        {
          sentences: [
            "(make|turn|get) <target> <bit> <dimmer> [<in_area>]",
            "dim <target> [<bit>]",
            "(turn|put) down <target>",
            "(turn|put) <target> down [<in_area>]",
          ],
          requires: { domain: ["light"] },
          slots: { brightness_step: -BRIGHTNESS_STEP },
        },
        // Follow-ups only: "it" names no device (intent/follow-up.ts reads them).
        {
          sentences: ["(make|get) <it> <bit> <brighter>", "brighten <it> [up]", "<bit> <brighter>"],
          slots: { brightness_step: BRIGHTNESS_STEP },
        },
        {
          sentences: ["(make|get) <it> <bit> <dimmer>", "dim <it>", "<bit> <dimmer>"],
          slots: { brightness_step: -BRIGHTNESS_STEP },
        },
        {
          sentences: ["(turn|put) <it> up", "(turn|put) up <it>"],
          slots: { brightness_step: BRIGHTNESS_STEP },
        },
        {
          sentences: ["(turn|put) <it> down", "(turn|put) down <it>"],
          slots: { brightness_step: -BRIGHTNESS_STEP },
        },
      ],
    },
    HassClimateSetTemperature: {
      data: [
        {
          sentences: [
            "(make|turn|get) <target> <bit> <warmer> [<in_area>]",
            "(turn|put) up <the> (heating|heat|temperature|thermostat) [<in_area>]",
            "(turn|put) <the> (heating|heat|temperature|thermostat) up [<in_area>]",
            "(turn|put) up <target>",
            "(turn|put) <target> up [<in_area>]",
            "(make|get) it <bit> <warmer> (in here|<in_area>)",
          ],
          requires: { domain: ["climate"] },
          slots: { temperature_step: TEMPERATURE_STEP },
        },
        {
          sentences: [
            "(make|turn|get) <target> <bit> <cooler> [<in_area>]",
            "(turn|put) down <the> (heating|heat|temperature|thermostat) [<in_area>]",
            "(turn|put) <the> (heating|heat|temperature|thermostat) down [<in_area>]",
            "(turn|put) down <target>",
            "(turn|put) <target> down [<in_area>]",
            "(make|get) it <bit> <cooler> (in here|<in_area>)",
          ],
          requires: { domain: ["climate"] },
          slots: { temperature_step: -TEMPERATURE_STEP },
        },
        // Follow-ups only, as above: "make it warmer" after "set the thermostat to 20".
        { sentences: ["(make|get) <it> <bit> <warmer>", "<bit> <warmer>"], slots: { temperature_step: 1 } },
        { sentences: ["(make|get) <it> <bit> <cooler>", "<bit> <cooler>"], slots: { temperature_step: -1 } },
      ],
    },
  },
};
