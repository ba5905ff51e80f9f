import { type Check, fail, type Probes, pass, warn } from "./types.js";

const UNIT = "edge-voice.service";
const LOOPBACK = /^(127\.|localhost$|\[?::1\]?$)/;

/** The broker answers and accepts the credentials (the embedded broker needs no check). */
export const checkBroker: Check = async ({ probes, config }) => {
  if (!config) return [];
  const title = "MQTT broker";
  const url = config.mqtt.url;
  if (url === null) {
    return [
      pass("broker", title, `embedded broker on ${config.mqtt.embedded_host}:${config.mqtt.embedded_port}`),
    ];
  }
  const where = safeHost(url);
  const result = await probes.mqtt(config, 5000);
  if (result.ok) {
    const who = config.mqtt.username ? `as ${config.mqtt.username}` : "without credentials";
    const detail = `${where}: connected ${who}`;
    if (isRemote(url) && (await serviceAllowsLoopbackOnly(probes))) {
      return [
        warn(
          "broker",
          title,
          `${detail} from here, but the installed service may reach loopback only`,
          "allow the broker's address: systemd/edge-voice.service.d/broker.conf.example (systemctl edit edge-voice)",
        ),
      ];
    }
    return [pass("broker", title, detail)];
  }
  if (result.kind === "auth") {
    return [
      fail(
        "broker",
        title,
        `${where} refused the credentials: ${result.message}`,
        "check mqtt.username and mqtt.password (and the broker's ACL)",
      ),
    ];
  }
  const fix = isRemote(url)
    ? "is the broker running and reachable? The service allows only loopback until you add the broker's address: systemd/edge-voice.service.d/broker.conf.example"
    : "is the broker running? (systemctl status mosquitto)";
  return [
    fail(
      "broker",
      title,
      `${where}: ${result.kind === "timeout" ? "no answer" : "unreachable"} (${result.message})`,
      fix,
    ),
  ];
};

/** The systemd unit: installed, enabled at boot, running. */
export const checkService: Check = async ({ probes }) => {
  const title = "Service";
  if (probes.platform() !== "linux") return [pass("service", title, `no systemd on ${probes.platform()}`)];
  const enabled = await probes.run("systemctl", ["is-enabled", UNIT], 5000);
  const noSystemd =
    enabled.error === "ENOENT" ||
    /not been booted|Failed to connect to bus|System has not/i.test(enabled.stderr);
  if (noSystemd) {
    return [
      warn(
        "service",
        title,
        "systemd is not running here, so the service cannot be checked",
        "on a board, install with sudo scripts/install.sh",
      ),
    ];
  }
  const enabledState = enabled.stdout.trim();
  if (enabledState === "" || enabledState === "not-found" || /No such file|not found/i.test(enabled.stderr)) {
    return [
      warn(
        "service",
        title,
        `${UNIT} is not installed`,
        "sudo scripts/install.sh installs, enables and starts it",
      ),
    ];
  }
  const active = (await probes.run("systemctl", ["is-active", UNIT], 5000)).stdout.trim();
  const detail = `${UNIT} ${enabledState}, ${active}`;
  if (active === "failed") {
    return [fail("service", title, detail, "see why: journalctl -u edge-voice -n 50 --no-pager")];
  }
  if (active === "activating" || active === "reloading") {
    return [
      warn("service", title, detail, "starting (or restarting in a loop): journalctl -u edge-voice -f"),
    ];
  }
  if (active !== "active") {
    return [warn("service", title, detail, "sudo systemctl start edge-voice")];
  }
  if (enabledState !== "enabled") {
    return [warn("service", title, detail, "it will not start at boot: sudo systemctl enable edge-voice")];
  }
  return [pass("service", title, detail)];
};

function isRemote(url: string): boolean {
  try {
    return !LOOPBACK.test(new URL(url).hostname);
  } catch {
    return true;
  }
}

/**
 * Doctor runs outside the unit, so its own connect says nothing about IPAddressDeny=any: ask
 * systemd for the unit's effective allow list (false when there is no unit or no systemd).
 */
async function serviceAllowsLoopbackOnly(probes: Probes): Promise<boolean> {
  if (probes.platform() !== "linux") return false;
  const shown = await probes.run("systemctl", ["show", "--property=IPAddressAllow,LoadState", UNIT], 5000);
  if (shown.code !== 0 || !/^LoadState=loaded$/m.test(shown.stdout)) return false;
  const allowed = /^IPAddressAllow=(.*)$/m.exec(shown.stdout)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
  // `localhost` shows as 127.0.0.0/8 ::1/128.
  return allowed.length > 0 && allowed.every((entry) => /^(127\.|::1\/|::1$)/.test(entry));
}

function safeHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return url;
  }
}
