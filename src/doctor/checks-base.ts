import { type Check, fail, pass, warn } from "./types.js";

const TITLE = "Base";

/**
 * role satellite: the base named by `satellite.base` is on the broker, alive (a heartbeat
 * arrives, not only its retained status) and answering (it accepts a test session).
 */
export const checkBase: Check = async ({ probes, config }) => {
  if (config?.role !== "satellite") return [];
  const base = config.satellite.base;
  if (base === null)
    return [
      fail(
        "base",
        TITLE,
        "role satellite without satellite.base",
        "set satellite.base to the site of the board with role: base",
      ),
    ];
  const result = await probes.base(config, 8000);
  if (!result.connected)
    return [
      fail(
        "base",
        TITLE,
        `the broker cannot be reached: ${result.message}`,
        "fix the MQTT broker check first",
      ),
    ];
  const { status, fresh, session } = result;
  if (!status)
    return [
      fail(
        "base",
        TITLE,
        `base ${base} has never published its status on the broker`,
        "is it running with role: base, site: " +
          base +
          " and the same mqtt.topic_prefix? May this login read edge-voice/base/" +
          base +
          "/status (ACL)?",
      ),
    ];
  if (status.state === "offline")
    return [
      fail(
        "base",
        TITLE,
        `base ${base} is offline (its last will, or it stopped)`,
        "start edge-voice on the base (systemctl status edge-voice there)",
      ),
    ];
  if (!fresh)
    return [
      fail(
        "base",
        TITLE,
        `base ${base} sent no heartbeat within satellite.base_timeout_seconds (${config.satellite.base_timeout_seconds} s): its status is an old one`,
        "the base's daemon may be hung or cut off: check its log (journalctl -u edge-voice)",
      ),
    ];
  const capacity = status.capacity
    ? `; queue ${status.capacity.queue}, ${status.capacity.perSite} per satellite, ${status.capacity.sessions} now`
    : "";
  if (session?.state === "rejected")
    return [
      warn(
        "base",
        TITLE,
        `base ${base} is alive but refused a test session (${session.reason})${capacity}`,
        "the base is busy or its limits are low: satellite.queue and satellite.per_site on the base",
      ),
    ];
  if (session?.state !== "accepted")
    return [
      fail(
        "base",
        TITLE,
        `base ${base} is alive but did not answer a test session`,
        `may this login write edge-voice/base/${base}/audio/${config.site}/# and read .../result/${config.site} (ACL, docs/rooms.md)?`,
      ),
    ];
  return [pass("base", TITLE, `base ${base} is online and answering${capacity}`)];
};
