import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/load.js";
import { configWarnings } from "../../../src/config/warnings.js";

const lamp = { id: "lamp", name: "lamp", domain: "light", command_topic: "h/lamp", area: "Living Room" };

describe("configWarnings", () => {
  it("an area no configured device is in: valid, but said, with the areas there are", () => {
    const warnings = configWarnings(validate({ area: "lounge", devices: [lamp] }));
    expect(warnings).toEqual([
      'area: "lounge" is no configured device\'s area (the devices\' areas are "Living Room"): "turn on the light" would act on the whole house unless a device learned from Home Assistant is in it',
    ]);
  });

  it("nothing to say when the area matches as spoken, or when devices come only from discovery", () => {
    expect(configWarnings(validate({ area: "living-room", devices: [lamp] }))).toEqual([]);
    expect(configWarnings(validate({ area: "attic" }))).toEqual([]);
    expect(configWarnings(validate({ devices: [lamp] }))).toEqual([]);
  });

  it("two devices of one kind a person could not tell apart by name: valid (a home that worked must still start), but said", () => {
    const light = { domain: "light", command_topic: "a/b" };
    const config = validate({
      devices: [
        { ...light, id: "a1", name: "Ceiling Light", area: "kitchen" },
        { ...light, id: "a2", name: "ceiling light", area: "Kitchen" },
        { ...light, id: "b1", name: "desk lamp" },
        { ...light, id: "b2", name: "lamp", aliases: ["desk lamp"], area: "den" },
        { ...light, id: "c1", name: "lamp", area: "hall" },
        { ...light, id: "s1", name: "lamp", domain: "switch", area: "den" },
      ],
    });
    expect(configWarnings(config)).toEqual([
      'devices[1].name: "ceiling light" also names devices[0], a light too, in the same area: by that name neither can be told apart; rename one or give each an alias',
      'devices[3].name: "desk lamp" also names devices[2], a light too, and one of them has no area: by that name the one without an area is never reached; give it its area, or rename one',
    ]);
  });
});
