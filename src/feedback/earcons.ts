/**
 * The short sounds edge-voice plays, synthesized in code (no sound files to ship or license):
 * a rising two-note chime when it starts listening, one soft bell when the command went out,
 * and a falling pair when something failed. Each is a sum of a few sine partials with a 5 ms
 * attack and an exponential decay, so it starts and ends at zero (no clicks) and stays well
 * below full scale (it must not startle anyone in a quiet room).
 */

export type Earcon = "wake" | "done" | "error" | "timer";

export const EARCON_RATE = 22_050;

interface Note {
  /** Fundamental in Hz. */
  hz: number;
  /** Start and length in seconds. */
  at: number;
  length: number;
}

const NOTES: Record<Earcon, Note[]> = {
  // C6 then G6: up = "I'm listening".
  wake: [
    { hz: 1046.5, at: 0, length: 0.09 },
    { hz: 1568.0, at: 0.08, length: 0.16 },
  ],
  // One G5 bell: "done".
  done: [{ hz: 784.0, at: 0, length: 0.25 }],
  // A4 then F4: down = "that didn't work".
  error: [
    { hz: 440.0, at: 0, length: 0.14 },
    { hz: 349.2, at: 0.13, length: 0.22 },
  ],
  // E6 three times, like a kitchen timer: "time's up" (the spoken words follow).
  timer: [
    { hz: 1318.5, at: 0, length: 0.1 },
    { hz: 1318.5, at: 0.15, length: 0.1 },
    { hz: 1318.5, at: 0.3, length: 0.16 },
  ],
};

/** Relative strength of the partials (1x, 2x, 3x the fundamental): a soft chime timbre. */
const PARTIALS = [1, 0.35, 0.12];
const ATTACK_SECONDS = 0.005;
const PEAK = 0.3;

/** The earcon as mono s16 samples at `rate` Hz. */
export function synthesizeEarcon(earcon: Earcon, rate = EARCON_RATE): Int16Array {
  const notes = NOTES[earcon];
  const seconds = Math.max(...notes.map((n) => n.at + n.length));
  const mix = new Float32Array(Math.ceil(seconds * rate));
  for (const note of notes) addNote(mix, note, rate);
  return toInt16(mix, PEAK);
}

function addNote(mix: Float32Array, note: Note, rate: number): void {
  const start = Math.round(note.at * rate);
  const count = Math.min(Math.round(note.length * rate), mix.length - start);
  const decay = 5 / note.length; // about -43 dB at the note's end
  const gain = 1 / PARTIALS.reduce((a, b) => a + b, 0);
  for (let i = 0; i < count; i++) {
    const t = i / rate;
    const attack = Math.min(1, t / ATTACK_SECONDS);
    const release = Math.min(1, (count - 1 - i) / (ATTACK_SECONDS * rate));
    const envelope = attack * release * Math.exp(-decay * t);
    let value = 0;
    for (let k = 0; k < PARTIALS.length; k++) {
      value += (PARTIALS[k] ?? 0) * Math.sin(2 * Math.PI * note.hz * (k + 1) * t);
    }
    mix[start + i] = (mix[start + i] ?? 0) + value * gain * envelope;
  }
}

/** Scales so the loudest sample is `peak` of full scale. */
function toInt16(mix: Float32Array, peak: number): Int16Array {
  let max = 0;
  for (const v of mix) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? (peak * 32767) / max : 0;
  const out = new Int16Array(mix.length);
  for (let i = 0; i < mix.length; i++) out[i] = Math.round((mix[i] ?? 0) * scale);
  return out;
}
