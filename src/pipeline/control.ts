/**
 * What outside controls (MQTT `set/` topics, Hermes toggles, SIGHUP) may ask of the
 * running pipeline. Implemented by the pipeline; used by the MQTT service.
 */
export interface PipelineControl {
  /** Muted: the microphone is read but nothing is detected (the person's "privacy" switch). */
  setMuted(muted: boolean): void;
  isMuted(): boolean;
  /** Hermes hotword toggleOff/toggleOn: wake-word detection off or on (does not stop text injection). */
  setWakeEnabled(enabled: boolean): void;
  /**
   * Handle `text` as if it had been spoken after the wake word: runs intent and MQTT output once
   * no run is in progress. False when refused (too much text waiting; an `input-rejected` event says so).
   */
  injectText(text: string): boolean;
}
