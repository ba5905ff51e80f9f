import type { EventInput, EventOfType, PipelineEvent, PipelineEventType } from "./types.js";

type Listener<E> = (event: E) => void;

/**
 * What happens to an error thrown by a listener: a function is told and the other listeners
 * still run (the daemon logs it: a broken sink must never stall the audio path); "throw"
 * lets it out of `emit` (tests: a failing assertion inside a listener fails the test
 * instead of vanishing).
 */
export type ListenerErrors = ((error: unknown, event: PipelineEvent) => void) | "throw";

/** Milliseconds since the process started, from the monotonic clock. */
export function processMs(): number {
  return Math.round(performance.now() * 10) / 10;
}

/**
 * A small synchronous typed event bus. Stages emit; sinks (the JSON-lines printer,
 * MQTT, metrics, feedback) subscribe. Listeners run in emit order; one that throws is
 * reported to `onListenerError` and does not stop the others (by default it is ignored),
 * unless `onListenerError` is "throw" (tests).
 */
export class EventBus {
  readonly #byType = new Map<PipelineEventType, Set<Listener<PipelineEvent>>>();
  readonly #all = new Set<Listener<PipelineEvent>>();

  constructor(
    private readonly clock: () => number = processMs,
    private readonly onListenerError: ListenerErrors = () => {},
  ) {}

  emit(input: EventInput): PipelineEvent {
    const event = { ...input, t: this.clock() } as PipelineEvent;
    for (const listener of this.#byType.get(event.type) ?? []) this.#call(listener, event);
    for (const listener of this.#all) this.#call(listener, event);
    return event;
  }

  on<T extends PipelineEventType>(type: T, listener: Listener<EventOfType<T>>): () => void {
    let set = this.#byType.get(type);
    if (!set) {
      set = new Set();
      this.#byType.set(type, set);
    }
    const generic = listener as Listener<PipelineEvent>;
    set.add(generic);
    return () => set.delete(generic);
  }

  onAny(listener: Listener<PipelineEvent>): () => void {
    this.#all.add(listener);
    return () => this.#all.delete(listener);
  }

  #call(listener: Listener<PipelineEvent>, event: PipelineEvent): void {
    try {
      listener(event);
    } catch (error) {
      if (this.onListenerError === "throw") throw error;
      this.onListenerError(error, event);
    }
  }
}
