import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { loadFailed, ort } from "./session.js";

/**
 * An onnxruntime session in a worker thread. Why: onnxruntime-node's `run` computes on the
 * calling thread (its promise only defers the start), so Whisper's encoder stopped the event
 * loop for its whole run: 0.5 s idle, 2-4 s on a 2-core board with another process busy, and
 * every audio frame waited behind it (measured: the pipeline fell 1.4-3.5 s behind the
 * microphone at each command). In a worker, frames keep flowing while it computes.
 *
 * The worker's program is a short CommonJS text run with `eval`, not a file: the same code
 * then runs from dist/ and from the TypeScript sources under vitest (a worker cannot load a
 * .ts file). It only opens the session and runs it; everything else stays here.
 */
const WORKER_PROGRAM = `
const { parentPort, workerData } = require("node:worker_threads");
const ort = require(workerData.ort);
const tensors = (list) => Object.fromEntries(list.map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]));
ort.InferenceSession.create(workerData.model, workerData.options).then(
  (session) => {
    parentPort.postMessage({ ready: true, inputNames: session.inputNames, outputNames: session.outputNames });
    parentPort.on("message", async ({ id, feeds, fetches }) => {
      try {
        const out = await session.run(tensors(feeds), fetches);
        const outputs = Object.entries(out).map(([name, t]) => [name, { type: t.type, data: t.data, dims: t.dims }]);
        parentPort.postMessage({ id, outputs }, outputs.map(([, t]) => t.data.buffer));
      } catch (error) {
        parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
      }
    });
  },
  (error) => parentPort.postMessage({ ready: false, error: String(error && error.message ? error.message : error) }),
);
`;

const ORT_ENTRY = createRequire(import.meta.url).resolve("onnxruntime-node");

interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}

type Reply =
  | { ready: true; inputNames: string[]; outputNames: string[] }
  | { ready: false; error: string }
  | { id: number; outputs: Array<[string, WireTensor]> }
  | { id: number; error: string };

interface Pending {
  resolve: (outputs: Record<string, ort.Tensor>) => void;
  reject: (error: Error) => void;
}

/** The part of `ort.InferenceSession` the Whisper encoder uses; a ThreadSession or a session itself. */
export interface RunnableSession {
  readonly inputNames: readonly string[];
  run(feeds: Record<string, ort.Tensor>, fetches: string[]): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

export class ThreadSession implements RunnableSession {
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  /** Set when the worker died: every later run fails with it. */
  #dead: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
    private readonly what: string,
  ) {
    worker.on("message", (reply: Reply) => this.#settle(reply));
    worker.on("error", (error) => this.#die(error));
    worker.on("exit", (code) => this.#die(new Error(`its thread exited (code ${code})`)));
  }

  /**
   * Opens `model` (a path, or bytes: they are copied to the thread) in a new worker thread.
   * A model onnxruntime refuses fails as `openSession` does: `model-load-failed` naming `what`.
   */
  static open(
    model: string | Uint8Array,
    options: ort.InferenceSession.SessionOptions,
    what: string,
  ): Promise<ThreadSession> {
    const worker = new Worker(WORKER_PROGRAM, { eval: true, workerData: { ort: ORT_ENTRY, model, options } });
    return new Promise((resolve, reject) => {
      const fail = (error: unknown) => {
        void worker.terminate();
        reject(loadFailed(what, error));
      };
      worker.once("error", fail);
      worker.once("message", (reply: Reply) => {
        worker.off("error", fail);
        if ("ready" in reply && reply.ready) {
          resolve(new ThreadSession(worker, reply.inputNames, reply.outputNames, what));
        } else fail(new Error("error" in reply ? reply.error : "the session thread did not start"));
      });
    });
  }

  /** Runs the session on the thread; the feeds' data is copied there, the outputs are moved back. */
  run(feeds: Record<string, ort.Tensor>, fetches: string[]): Promise<Record<string, ort.Tensor>> {
    if (this.#dead) return Promise.reject(this.#failure(this.#dead.message));
    const id = this.#nextId++;
    const wire = Object.entries(feeds).map(([name, t]): [string, WireTensor] => [
      name,
      { type: t.type, data: t.data, dims: t.dims },
    ]);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, feeds: wire, fetches });
    });
  }

  async release(): Promise<void> {
    this.#dead ??= new Error("released");
    await this.worker.terminate();
  }

  #settle(reply: Reply): void {
    if (!("id" in reply)) return;
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if ("error" in reply) {
      pending.reject(this.#failure(reply.error));
      return;
    }
    const outputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of reply.outputs) {
      outputs[name] = new ort.Tensor(t.type, t.data as Float32Array, t.dims);
    }
    pending.resolve(outputs);
  }

  /** The thread is gone (a crash, or release): what was waiting fails now instead of hanging. */
  #die(error: Error): void {
    this.#dead ??= error;
    for (const pending of this.#pending.values()) pending.reject(this.#failure(this.#dead.message));
    this.#pending.clear();
  }

  /** A plain error: the caller names the stage (Whisper's turns it into `stt-failed`). */
  #failure(reason: string): Error {
    return new Error(`${this.what} failed in its thread: ${reason}`);
  }
}
