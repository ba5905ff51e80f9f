import type { RejectionReporter } from "../events/rejections.js";

/** Injected text waiting for the site to be free; `done` runs once its run ended. */
export interface PendingText {
  text: string;
  done: () => void;
}

/** Injected texts in arrival order, at most `max`; more are refused (and reported) rather than kept. */
export class TextQueue {
  readonly #items: PendingText[] = [];

  constructor(
    private readonly max: number,
    private readonly rejections: RejectionReporter,
  ) {}

  get length(): number {
    return this.#items.length;
  }

  /** False (with an `input-rejected` event, reason `queue-full`) when the queue is full. */
  push(item: PendingText): boolean {
    if (this.#items.length >= this.max) {
      this.rejections.reject("queue-full");
      return false;
    }
    this.#items.push(item);
    return true;
  }

  shift(): PendingText | undefined {
    return this.#items.shift();
  }
}
