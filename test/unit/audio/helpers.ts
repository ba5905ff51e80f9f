import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempDir(prefix: string): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `edge-voice-${prefix}-`));
  return {
    dir,
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Signal-to-difference ratio in dB of `actual` against `reference`, skipping `edge` samples at each end. */
export function snrDb(
  actual: Int16Array | Float32Array,
  reference: Int16Array | Float32Array,
  edge: number,
): number {
  let signal = 0;
  let noise = 0;
  const end = Math.min(actual.length, reference.length) - edge;
  for (let i = edge; i < end; i++) {
    const r = reference[i] as number;
    signal += r * r;
    noise += (r - (actual[i] as number)) ** 2;
  }
  return noise === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
}

export function rms(samples: Int16Array | Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

export interface WavSpec {
  formatTag?: number;
  channels?: number;
  sampleRate?: number;
  bitsPerSample?: number;
  blockAlign?: number;
  /** fmt chunk body override (e.g. a short one). */
  fmtBody?: Buffer;
  /** Chunks placed between fmt and data: [id, body]. */
  before?: Array<[string, Buffer]>;
  data: Buffer;
  /** Value written in the data chunk's size field (default: data.length). */
  dataSize?: number;
}

/** Builds a WAV file byte by byte, so every corrupt variant can be made exactly. */
export function buildWav(spec: WavSpec): Buffer {
  const channels = spec.channels ?? 1;
  const bits = spec.bitsPerSample ?? 16;
  const rate = spec.sampleRate ?? 16000;
  const blockAlign = spec.blockAlign ?? channels * Math.ceil(bits / 8);
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(spec.formatTag ?? 1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * blockAlign, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(bits, 14);
  const chunks = [
    chunk("fmt ", spec.fmtBody ?? fmt),
    ...(spec.before ?? []).map(([id, body]) => chunk(id, body)),
  ];
  const dataHeader = Buffer.alloc(8);
  dataHeader.write("data", 0, "ascii");
  dataHeader.writeUInt32LE(spec.dataSize ?? spec.data.length, 4);
  const body = Buffer.concat([Buffer.from("WAVE"), ...chunks, dataHeader, spec.data]);
  const head = Buffer.alloc(8);
  head.write("RIFF", 0, "ascii");
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** A RIFF chunk with its pad byte when the body has an odd length. */
export function chunk(id: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, "ascii");
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body, Buffer.alloc(body.length & 1)]);
}

export function int16Bytes(samples: number[]): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  for (const [i, s] of samples.entries()) out.writeInt16LE(s, 2 * i);
  return out;
}
