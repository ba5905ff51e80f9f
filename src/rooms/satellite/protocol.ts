import { z } from "zod";

/**
 * The satellite/base protocol on MQTT (docs/rooms.md#satellites-and-a-base). Our own compact
 * topics rather than Hermes' audioServer frames: Hermes streams a site's microphone all the
 * time as WAV chunks with no session, no sequence number and no end (Rhasspy's ASR decides
 * the end); here the satellite's VAD decides it, so only a command's audio travels, each packet
 * numbered, with its session in the topic and the exact cut at its end. The base still
 * answers in Hermes (textCaptured, intent, tts/say with the satellite's siteId).
 *
 * Pure: topics, the binary audio packet, the JSON messages and their bounds.
 */

export const PROTOCOL_VERSION = 1;
const MAGIC = [0x45, 0x56]; // "EV"
export const HEADER_BYTES = 12;
/** 2 s of 16 kHz s16 audio: a satellite sends 80 ms frames (2,560 bytes). */
export const MAX_AUDIO_BYTES = 64 * 1024;
const MAX_JSON_BYTES = 1024;

export type PacketKind = "start" | "audio" | "end" | "cancel";
const KIND_CODES: Record<PacketKind, number> = { start: 1, audio: 2, end: 3, cancel: 4 };
const KINDS = Object.fromEntries(Object.entries(KIND_CODES).map(([k, v]) => [v, k])) as Record<
  number,
  PacketKind
>;

const id = z.string().regex(/^[a-z0-9_-]{1,64}$/);
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const finite = z.number().refine(Number.isFinite, "expected a finite number");

/** The first packet of a session: who speaks, and the wake word that opened it. */
export const startSchema = z.object({
  area: z.string().min(1).max(64).nullable(),
  wakeWord: z.string().min(1).max(64).nullable(),
  score: finite.min(0).max(1).nullable(),
  sampleRate: z.literal(16000),
  /** A follow-up: the satellite's answer to the question the base asked in this run. */
  previousRunId: sessionId.optional(),
});
export type SessionStart = z.infer<typeof startSchema>;

/** The last packet: the command is samples [from, to) of what was sent (offsets from the session's first sample). */
export const endSchema = z.object({ from: z.number().int().min(0), to: z.number().int().min(0) });
export type SessionEnd = z.infer<typeof endSchema>;

/** The satellite ended the run itself (no speech, shut down): the base drops the session. */
export const cancelSchema = z.object({ outcome: z.string().min(1).max(32) });

export type Packet =
  | { kind: "start"; seq: number; start: SessionStart }
  | { kind: "audio"; seq: number; offset: number; samples: Int16Array }
  | { kind: "end"; seq: number; end: SessionEnd }
  | { kind: "cancel"; seq: number; outcome: string };

/**
 * `EV`, version, kind, then seq (u32 LE) and offset (u32 LE, audio only, else 0), then the
 * payload: s16le samples for audio, UTF-8 JSON for the others.
 */
export function encodePacket(packet: Packet): Buffer {
  const body =
    packet.kind === "audio"
      ? Buffer.from(packet.samples.buffer, packet.samples.byteOffset, packet.samples.byteLength)
      : Buffer.from(JSON.stringify(jsonOf(packet)), "utf8");
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = MAGIC[0] as number;
  header[1] = MAGIC[1] as number;
  header[2] = PROTOCOL_VERSION;
  header[3] = KIND_CODES[packet.kind];
  header.writeUInt32LE(packet.seq, 4);
  header.writeUInt32LE(packet.kind === "audio" ? packet.offset : 0, 8);
  return Buffer.concat([header, body]);
}

function jsonOf(packet: Exclude<Packet, { kind: "audio" }>): object {
  if (packet.kind === "start") return packet.start;
  if (packet.kind === "end") return packet.end;
  return { outcome: packet.outcome };
}

/** A packet from the wire, or why it is not one (bounded: a hostile payload costs a log line). */
export function decodePacket(payload: Uint8Array): { packet: Packet } | { problem: string } {
  if (payload.length < HEADER_BYTES) return { problem: "shorter than the header" };
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1]) return { problem: "not a satellite packet" };
  if (bytes[2] !== PROTOCOL_VERSION) return { problem: `protocol version ${bytes[2]}` };
  const kind = KINDS[bytes[3] as number];
  if (!kind) return { problem: `unknown packet kind ${bytes[3]}` };
  const seq = bytes.readUInt32LE(4);
  const body = bytes.subarray(HEADER_BYTES);
  if (kind === "audio") {
    if (body.length > MAX_AUDIO_BYTES) return { problem: `audio packet over ${MAX_AUDIO_BYTES} bytes` };
    if (body.length % 2 !== 0) return { problem: "audio packet of an odd byte count" };
    // Copied: the MQTT buffer may be unaligned for an Int16Array view.
    const samples = new Int16Array(body.length / 2);
    Buffer.from(samples.buffer).set(body);
    return { packet: { kind, seq, offset: bytes.readUInt32LE(8), samples } };
  }
  if (body.length > MAX_JSON_BYTES) return { problem: `${kind} packet over ${MAX_JSON_BYTES} bytes` };
  const json = parseJson(body);
  if (json === undefined) return { problem: `${kind} packet is not JSON` };
  if (kind === "start") return parsed(startSchema, json, (start) => ({ packet: { kind, seq, start } }));
  if (kind === "end") return parsed(endSchema, json, (end) => ({ packet: { kind, seq, end } }));
  return parsed(cancelSchema, json, ({ outcome }) => ({ packet: { kind, seq, outcome } }));
}

/** Base -> satellite, on the satellite's result topic: accepted at start, rejected, or the run's end. */
export const resultSchema = z.object({
  v: z.literal(1),
  sessionId,
  state: z.enum(["accepted", "rejected", "ended"]),
  /** ended: the base run's run-end outcome. */
  outcome: z.string().min(1).max(32).optional(),
  /** rejected: why (queue-full, site-busy, too-long, stalled, audio-lost, invalid, stopping). */
  reason: z.string().min(1).max(64).optional(),
  /** ended: the base's run asked a question; the satellite listens this long for the answer. */
  followUpSeconds: finite.min(0).max(120).optional(),
});
export type SessionResult = z.infer<typeof resultSchema>;

/** The base's retained status and capacity; republished every heartbeat, `offline` as its last will. */
export const statusSchema = z.object({
  v: z.literal(1),
  site: id,
  state: z.enum(["online", "offline"]),
  heartbeatMs: z.number().int().min(0).optional(),
  /** Increases with each heartbeat: a satellite sees the base is alive, not an old retained copy. */
  beat: z.number().int().min(0).optional(),
  capacity: z
    .object({ queue: z.number().int(), perSite: z.number().int(), sessions: z.number().int() })
    .optional(),
});
export type BaseStatus = z.infer<typeof statusSchema>;

export function parseResult(payload: Uint8Array): { result: SessionResult } | { problem: string } {
  return parseMessage(resultSchema, payload, (result) => ({ result }));
}

export function parseStatus(payload: Uint8Array): { status: BaseStatus } | { problem: string } {
  return parseMessage(statusSchema, payload, (status) => ({ status }));
}

function parseMessage<S extends z.ZodType, R>(
  schema: S,
  payload: Uint8Array,
  wrap: (value: z.infer<S>) => R,
): R | { problem: string } {
  if (payload.length > MAX_JSON_BYTES) return { problem: `message over ${MAX_JSON_BYTES} bytes` };
  const json = parseJson(Buffer.from(payload));
  if (json === undefined) return { problem: "not JSON" };
  return parsed(schema, json, wrap);
}

function parsed<S extends z.ZodType, R>(
  schema: S,
  json: unknown,
  wrap: (value: z.infer<S>) => R,
): R | { problem: string } {
  const result = schema.safeParse(json);
  if (result.success) return wrap(result.data);
  const issue = result.error.issues[0];
  return { problem: `field ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}` };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** The topics of one base, under `mqtt.topic_prefix`. */
export class BaseTopics {
  constructor(
    readonly prefix: string,
    readonly base: string,
  ) {}

  /** Retained status and capacity; the base's last will sets it `offline`. */
  get status(): string {
    return `${this.prefix}/base/${this.base}/status`;
  }

  /** Satellite -> base: one session's packets. */
  audio(site: string, session: string): string {
    return `${this.prefix}/base/${this.base}/audio/${site}/${session}`;
  }

  /** What the base subscribes: every satellite's sessions. */
  get audioFilter(): string {
    return `${this.prefix}/base/${this.base}/audio/+/+`;
  }

  /** Base -> satellite: accepted, rejected, ended. */
  result(site: string): string {
    return `${this.prefix}/base/${this.base}/result/${site}`;
  }

  /** The satellite and session of an audio topic, or null for any other topic. */
  parseAudio(topic: string): { site: string; session: string } | null {
    const head = `${this.prefix}/base/${this.base}/audio/`;
    if (!topic.startsWith(head)) return null;
    const [site, session, ...rest] = topic.slice(head.length).split("/");
    if (rest.length || !site || !session) return null;
    if (!id.safeParse(site).success || !sessionId.safeParse(session).success) return null;
    return { site, session };
  }
}
