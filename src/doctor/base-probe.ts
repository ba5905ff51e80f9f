import { randomUUID } from "node:crypto";
import type { Config } from "../config/schema.js";
import { describeError } from "../errors.js";
import { clientSettings } from "../mqtt/client-options.js";
import {
  type BaseStatus,
  BaseTopics,
  encodePacket,
  parseResult,
  parseStatus,
} from "../rooms/satellite/protocol.js";

/** What a satellite's doctor learned of its base (docs/rooms.md#satellites-and-a-base). */
export type BaseProbeResult =
  | { connected: false; message: string }
  | {
      connected: true;
      /** The retained status (null: never published), and whether a fresh heartbeat followed it. */
      status: BaseStatus | null;
      fresh: boolean;
      /** A test session's answer: accepted, refused (with the reason), or nothing within the time. */
      session: { state: "accepted" } | { state: "rejected"; reason: string } | { state: "no-answer" } | null;
    };

/**
 * Asks the broker about `satellite.base` as a satellite would: reads the base's retained status,
 * waits for its next heartbeat (a base that hangs keeps its retained `online`), then opens a test
 * session (a `start` packet) and waits for the base to accept or refuse it, and cancels it. Its
 * own client id, so a running daemon is not kicked off. Nothing is transcribed.
 */
export async function probeBase(config: Config, timeoutMs: number): Promise<BaseProbeResult> {
  const base = config.satellite.base as string;
  const topics = new BaseTopics(config.mqtt.topic_prefix, base);
  const url = config.mqtt.url ?? `mqtt://127.0.0.1:${config.mqtt.embedded_port}`;
  const { connectAsync } = await import("mqtt");
  let client: Awaited<ReturnType<typeof connectAsync>>;
  try {
    const settings = clientSettings(config, url, "", config.mqtt.protocol_version);
    const options = {
      ...settings.options,
      clientId: `edge-voice-doctor-base-${process.pid}`,
      will: undefined,
      clean: true,
      properties: undefined,
      connectTimeout: timeoutMs,
    };
    client = await connectAsync(url, options, false);
  } catch (error) {
    return { connected: false, message: describeError(error) };
  }
  try {
    const statuses: BaseStatus[] = [];
    const results: Array<{ sessionId: string; state: string; reason?: string }> = [];
    client.on("message", (topic, payload) => {
      if (topic === topics.status) {
        const parsed = parseStatus(payload);
        if ("status" in parsed) statuses.push(parsed.status);
      } else if (topic === topics.result(config.site)) {
        const parsed = parseResult(payload);
        if ("result" in parsed) results.push(parsed.result);
      }
    });
    await client.subscribeAsync([topics.status, topics.result(config.site)], { qos: 1 });
    const heartbeatMs = config.satellite.base_timeout_seconds * 1000;
    await until(
      () => statuses.length >= 2 || statuses[0]?.state === "offline",
      Math.min(timeoutMs, heartbeatMs),
    );
    const status = statuses.at(-1) ?? null;
    const fresh = status?.state === "online" && statuses.length >= 2;
    if (!fresh) return { connected: true, status, fresh, session: null };
    const id = `doctor-${randomUUID()}`;
    const start = { area: config.area, wakeWord: null, score: null, sampleRate: 16000 as const };
    const packet = encodePacket({ kind: "start", seq: 0, start });
    await client.publishAsync(topics.audio(config.site, id), packet, { qos: 1 });
    const answered = () => results.find((r) => r.sessionId === id);
    await until(() => answered() !== undefined, timeoutMs);
    const answer = answered();
    const cancel = encodePacket({ kind: "cancel", seq: 1, outcome: "aborted" });
    await client.publishAsync(topics.audio(config.site, id), cancel, { qos: 1 });
    const session =
      answer?.state === "accepted"
        ? ({ state: "accepted" } as const)
        : answer
          ? ({ state: "rejected", reason: answer.reason ?? "no reason given" } as const)
          : ({ state: "no-answer" } as const);
    return { connected: true, status, fresh, session };
  } finally {
    await client.endAsync(true).catch(() => {});
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
