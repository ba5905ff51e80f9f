/**
 * How loud the wake word was, and how far above this board's noise, from the audio the board
 * keeps anyway (the pre-roll): what tells two boards that both heard it apart, the nearer one
 * louder over its own noise. Cheap enough for the moment of detection: one pass of 20 ms
 * frames over a few seconds of samples, no FFT.
 */
export interface SpeechLevel {
  /** Speech level in dBFS: the loud end (90th percentile) of the wake phrase's 20 ms frames. */
  dbfs: number;
  /** Speech over the noise floor (10th percentile of the frames before and during it), in dB. */
  snr: number;
}

const FRAME = 320; // 20 ms at 16 kHz
/** Digital silence would be -Infinity dB: the floor of 16-bit audio instead. */
const SILENCE_DB = -96;

/**
 * `samples` ends at the detection; its last `phraseSamples` hold the wake phrase and what
 * comes before it gives the noise floor (the quietest frames of the whole span count).
 */
export function speechLevel(samples: Int16Array, phraseSamples: number): SpeechLevel {
  const levels = frameLevels(samples);
  if (levels.length === 0) return { dbfs: SILENCE_DB, snr: 0 };
  const phraseFrames = Math.max(1, Math.min(levels.length, Math.floor(phraseSamples / FRAME)));
  const phrase = levels.slice(levels.length - phraseFrames);
  const dbfs = percentile(phrase, 0.9);
  const floor = percentile(levels, 0.1);
  return { dbfs: round1(dbfs), snr: round1(Math.max(0, dbfs - floor)) };
}

/** RMS level of each whole 20 ms frame, in dBFS. */
function frameLevels(samples: Int16Array): number[] {
  const levels: number[] = [];
  for (let start = 0; start + FRAME <= samples.length; start += FRAME) {
    let sum = 0;
    for (let i = start; i < start + FRAME; i++) {
      const s = (samples[i] ?? 0) / 32768;
      sum += s * s;
    }
    const rms = Math.sqrt(sum / FRAME);
    levels.push(rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB);
  }
  return levels;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? SILENCE_DB;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
