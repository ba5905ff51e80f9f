import type { SatelliteErrorCode } from "../errors.js";
import type { RunOutcome } from "../events/types.js";
import type { RemoteAnswer, RemoteSession } from "../pipeline/remote.js";
import { MAX_AUDIO_BYTES, type Packet } from "../rooms/satellite/protocol.js";
import type { StartTimer } from "../util/timer.js";

/** One command on its way: numbered packets, the answer's time limit, one answer. */
export class LinkSession implements RemoteSession {
  readonly answer: Promise<RemoteAnswer>;
  #resolve: (answer: RemoteAnswer) => void = () => {};
  #seq = 1;
  #offset = 0;
  #done = false;
  #cancelTimer: () => void = () => {};

  constructor(
    readonly id: string,
    private readonly timer: StartTimer,
    private readonly answerSeconds: number,
    private readonly link: {
      publish(packet: Packet): boolean;
      closed(answer: RemoteAnswer): void;
      base: string;
    },
  ) {
    this.answer = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  publish(packet: Packet): void {
    if (this.#done) return;
    if (!this.link.publish(packet))
      this.fail(
        "satellite-no-base",
        `the MQTT broker is unreachable: base ${this.link.base} cannot be asked`,
      );
  }

  send(samples: Int16Array): void {
    // Frames are 80 ms; a long pre-roll goes in packets the base accepts.
    for (let at = 0; at < samples.length; at += MAX_AUDIO_BYTES / 2) {
      const part = samples.subarray(at, at + MAX_AUDIO_BYTES / 2);
      this.publish({ kind: "audio", seq: this.#seq++, offset: this.#offset, samples: part });
      this.#offset += part.length;
    }
  }

  end(cut: { from: number; to: number }): void {
    this.publish({ kind: "end", seq: this.#seq++, end: cut });
    if (this.#done) return;
    this.#cancelTimer = this.timer(this.answerSeconds * 1000, () => {
      this.publish({ kind: "cancel", seq: this.#seq++, outcome: "timeout" });
      this.fail(
        "satellite-base-timeout",
        `base ${this.link.base} did not answer within satellite.answer_timeout_seconds (${this.answerSeconds} s)`,
        "timeout",
      );
    });
  }

  cancel(outcome: RunOutcome): void {
    this.publish({ kind: "cancel", seq: this.#seq++, outcome });
    this.#settle({ outcome: "aborted", by: this.link.base });
  }

  answered(outcome: RunOutcome, followUpSeconds?: number): void {
    const followUp = followUpSeconds !== undefined ? { followUpSeconds } : {};
    this.#settle({ outcome, by: this.link.base, ...followUp });
  }

  fail(code: SatelliteErrorCode, message: string, outcome: "error" | "timeout" = "error"): void {
    this.#settle({ outcome, error: { code, message } });
  }

  #settle(answer: RemoteAnswer): void {
    if (this.#done) return;
    this.#done = true;
    this.#cancelTimer();
    this.link.closed(answer);
    this.#resolve(answer);
  }
}

/** A session that failed before it began (no link): its answer is the failure, nothing is sent. */
export function failedSession(code: SatelliteErrorCode, message: string): RemoteSession {
  const answer: RemoteAnswer = { outcome: "error", error: { code, message } };
  return { send() {}, end() {}, cancel() {}, answer: Promise.resolve(answer) };
}
