import type { IPublishPacket } from "mqtt";
import type { PipelineControl } from "../pipeline/control.js";
import type { Logger } from "../util/logger.js";
import { printable } from "../util/printable.js";
import { WarningBudget } from "./learn-report.js";
import type { TextGate } from "./text-limit.js";
import type { Topics } from "./topics.js";

const ON = new Set(["on", "true", "1", "yes"]);
const OFF = new Set(["off", "false", "0", "no"]);
/** Longer than any spoken command; a bigger payload is a mistake or an attack on the intent stage. */
const MAX_TEXT_CHARS = 500;

/**
 * Control topics in: mute, Hermes hotword toggles, and text to handle as if spoken. Every
 * payload is validated; a bad one is logged and ignored. Retained control messages are
 * ignored (with a debug line): the broker hands them out again on every reconnect, so a
 * retained `set/text` would run its command again and a retained `set/mute` would mute the
 * board again each time, long after whoever sent it meant it.
 */
export class ControlIn {
  constructor(
    private readonly topics: Topics,
    private readonly control: PipelineControl,
    private readonly onMuteChanged: (muted: boolean) => void,
    private readonly logger: Logger,
    /** Notes accepted text for the run it starts; returns how to take the note back if the pipeline refuses it. */
    private readonly onText: (text: string) => () => void = () => () => {},
    /** The rate limit of set/text and the report of its refusals (input-rejected events). */
    private readonly textGate: TextGate = { admit: () => true, invalid: () => {} },
    /** Holds warnings about bad messages to a few a minute: anyone on the broker can send them. */
    private readonly warnings: WarningBudget = new WarningBudget(() => performance.now()),
  ) {}

  get subscriptions(): string[] {
    const t = this.topics;
    return [t.setMute, t.setText, t.hermesToggleOn, t.hermesToggleOff];
  }

  /** Returns false when the topic is not a control topic. */
  handle(topic: string, payload: Buffer, packet: IPublishPacket): boolean {
    const t = this.topics;
    if (
      topic !== t.setMute &&
      topic !== t.setText &&
      topic !== t.hermesToggleOn &&
      topic !== t.hermesToggleOff
    )
      return false;
    if (packet.retain) {
      this.logger.debug({ topic }, "ignored a retained control message (publish it without the retain flag)");
      return true;
    }
    const text = payload.toString("utf8");
    if (topic === t.setMute) this.#mute(text);
    else if (topic === t.setText) this.#text(text);
    else this.#toggle(topic === t.hermesToggleOn, text);
    return true;
  }

  #mute(raw: string): void {
    const word = raw.trim().toLowerCase();
    const muted = ON.has(word) ? true : OFF.has(word) ? false : null;
    if (muted === null) {
      this.#ignore(this.topics.setMute, `expected on or off, got ${preview(raw)}`);
      return;
    }
    this.control.setMuted(muted);
    this.logger.info({ muted }, muted ? "muted over MQTT" : "unmuted over MQTT");
    this.onMuteChanged(muted);
  }

  #text(raw: string): void {
    const payload = textPayload(raw);
    if (typeof payload !== "string") {
      this.#ignore(this.topics.setText, `expected plain text or {"text": "..."}, got ${payload.got}`);
      this.textGate.invalid();
      return;
    }
    const text = payload.trim();
    if (!text || text.length > MAX_TEXT_CHARS || hasControlCharacters(text)) {
      this.#ignore(this.topics.setText, `expected 1 to ${MAX_TEXT_CHARS} characters of text`);
      this.textGate.invalid();
      return;
    }
    if (!this.textGate.admit()) return;
    this.logger.debug({ text: printable(text) }, "text injected over MQTT");
    const withdraw = this.onText(text);
    if (!this.control.injectText(text)) withdraw();
  }

  #toggle(enabled: boolean, raw: string): void {
    const topic = enabled ? this.topics.hermesToggleOn : this.topics.hermesToggleOff;
    const parsed = raw.trim() === "" ? {} : parseJson(raw);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      this.#ignore(topic, "expected a JSON object");
      return;
    }
    // Hermes: a missing siteId means "default".
    const siteId = (parsed as { siteId?: unknown }).siteId ?? "default";
    if (typeof siteId !== "string") {
      this.#ignore(topic, `expected "siteId" to be a string, got ${preview(JSON.stringify(siteId))}`);
      return;
    }
    if (siteId !== this.topics.site) {
      // Normal on a shared bus (other boards' toggles), so not a warning; says why when debugging.
      this.logger.debug({ topic, siteId }, `Hermes toggle for site "${siteId}", not this board's: ignored`);
      return;
    }
    this.control.setWakeEnabled(enabled);
    this.logger.info(
      { enabled },
      enabled ? "wake word enabled (Hermes toggleOn)" : "wake word disabled (Hermes toggleOff)",
    );
  }

  #ignore(topic: string, reason: string): void {
    this.warnings.warn(
      this.logger,
      { topic, code: "control-invalid" },
      `ignored a control message: ${reason}`,
    );
  }
}

/** Tabs and newlines are fine in text; other control characters are not speech. */
function hasControlCharacters(text: string): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127) return true;
  }
  return false;
}

/**
 * The text of a set/text payload: the payload itself, or the "text" of a JSON object. Any
 * payload that is JSON must be that object: a list, number, quoted string, true, false or
 * null is a script's mistake (a wrong field sent, or a value JSON-encoded twice), and taken
 * as words it would run whatever the intent stage makes of "[1,2]". A payload that starts
 * like JSON ({ or [) but does not parse is refused the same way: it is not speech either.
 */
function textPayload(raw: string): string | { got: string } {
  const trimmed = raw.trim();
  const parsed = parseJson(trimmed);
  if (parsed === undefined)
    return /^[[{]/.test(trimmed) ? { got: `JSON that does not parse: ${preview(raw)}` } : raw;
  if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
    const text = (parsed as { text?: unknown }).text;
    return typeof text === "string" ? text : { got: 'a JSON object without a string "text"' };
  }
  const kind = Array.isArray(parsed) ? "list" : parsed === null ? "null" : typeof parsed;
  return { got: `a JSON ${kind === "boolean" ? String(parsed) : kind}: ${preview(raw)}` };
}

/** The JSON value of `raw`; undefined when it is not JSON (null is JSON's null). */
function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function preview(raw: string): string {
  return JSON.stringify(printable(raw, 40));
}
