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
});
