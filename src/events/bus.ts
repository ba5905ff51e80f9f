import type { EventInput, EventOfType, PipelineEvent, PipelineEventType } from "./types.js";

type Listener<E> = (event: E) => void;

/** Milliseconds since the process started, from the monotonic clock. */
export function processMs(): number {
  return Math.round(performance.now() * 10) / 10;
}

/**
 * A small synchronous typed event bus. Stages emit; sinks (the JSON-lines printer,
 * MQTT, metrics, feedback) subscribe. Listeners run in emit order; one that throws is
 * reported to `onListenerError` and does not stop the others, so a broken sink can
 * never stall the audio path.
 */
export class EventBus {
  readonly #byType = new Map<PipelineEventType, Set<Listener<PipelineEvent>>>();
  readonly #all = new Set<Listener<PipelineEvent>>();

  constructor(
    private readonly clock: () => number = processMs,
    private readonly onListenerError: (error: unknown, event: PipelineEvent) => void = () => {},
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
      this.onListenerError(error, event);
    }
  }
}
