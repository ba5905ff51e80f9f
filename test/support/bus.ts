import { EventBus, processMs } from "../../src/events/bus.js";

/**
 * The event bus for tests: an error thrown by a listener (a failed assertion, a broken sink)
 * comes out of `emit` and fails the test, where the daemon's bus would swallow it.
 */
export function testBus(clock: () => number = processMs): EventBus {
  return new EventBus(clock, "throw");
}
