import { describe, expect, it } from "vitest";
import { BaseWatch, describeBaseState } from "../../../../src/rooms/satellite/base-watch.js";

const online = { v: 1 as const, site: "pi5", state: "online" as const, beat: 1 };

describe("BaseWatch", () => {
  it("is alive from a heartbeat until one is missing past the timeout", () => {
    const watch = new BaseWatch(6000);
    expect(watch.state(0)).toEqual({ alive: false, why: "never" });
    watch.heard(online, 1000);
    expect(watch.state(7000)).toEqual({ alive: true });
    expect(watch.state(7001)).toEqual({ alive: false, why: "silent" });
    watch.heard({ ...online, beat: 2 }, 7500);
    expect(watch.state(8000)).toEqual({ alive: true });
  });

  it("is gone at once on the base's last will", () => {
    const watch = new BaseWatch(6000);
    watch.heard(online, 0);
    watch.heard({ v: 1, site: "pi5", state: "offline" }, 10);
    expect(watch.state(11)).toEqual({ alive: false, why: "offline" });
  });

  it("is unknown once the broker is lost", () => {
    const watch = new BaseWatch(6000);
    watch.heard(online, 0);
    watch.lost();
    expect(watch.state(1)).toEqual({ alive: false, why: "no-broker" });
  });

  it("says why in one line", () => {
    expect(describeBaseState("pi5", { alive: false, why: "silent" })).toMatch(/pi5 sent no heartbeat/);
    expect(describeBaseState("pi5", { alive: false, why: "no-broker" })).toMatch(/broker/);
  });
});
