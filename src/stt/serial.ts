/**
 * Runs async jobs one at a time, in call order (one set of ONNX sessions, one KV cache).
 * A job whose signal aborts while it waits leaves the queue at once, without waiting for
 * the job ahead of it; the jobs behind it still wait for that job.
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();
  #queued = 0;

  /** Jobs queued or running. */
  get pending(): number {
    return this.#queued;
  }

  async run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.#tail;
    let done!: () => void;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.#tail = previous.then(() => mine);
    this.#queued++;
    try {
      await untilSettledOrAborted(previous, signal);
      signal?.throwIfAborted();
      return await job();
    } finally {
      this.#queued--;
      done();
    }
  }

  /** Resolves once every job queued so far has finished. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}

function untilSettledOrAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
    );
  });
}
