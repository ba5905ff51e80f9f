import type { WavLayout } from "./wav-header.js";

/** Reads one stored sample at a byte offset as a float in [-1, 1) (floats pass through). */
type SampleReader = (view: DataView, at: number) => number;

/**
 * Integer samples scale by their container width: the significant bits of a 20-bit sample in
 * 3 bytes are the high ones (the WAV spec left-justifies), so dividing by 2^23 is right for
 * any valid-bit count. 8-bit WAV is unsigned with 128 as silence; wider ones are signed.
 */
function readerFor(layout: WavLayout): SampleReader {
  const { encoding } = layout.format;
  switch (encoding === "float" ? -layout.bytesPerSample : layout.bytesPerSample) {
    case 1:
      return (v, at) => (v.getUint8(at) - 128) / 128;
    case 2:
      return (v, at) => v.getInt16(at, true) / 32768;
    case 3:
      return (v, at) =>
        ((v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getInt8(at + 2) << 16)) as number) / 8388608;
    case 4:
      return (v, at) => v.getInt32(at, true) / 2147483648;
    case -4:
      return (v, at) => v.getFloat32(at, true);
    case -8:
      return (v, at) => v.getFloat64(at, true);
    default:
      throw new Error(`no reader for ${layout.bytesPerSample}-byte ${encoding} samples`);
  }
}

/**
 * Decodes `count` sample frames starting at frame `first` and down-mixes them to mono by
 * averaging the channels (what `sox -c 1` does, so levels stay where they were for
 * correlated channels and nothing clips). Returns floats in about [-1, 1].
 */
export function decodeMonoFloat(
  bytes: Uint8Array,
  layout: WavLayout,
  first: number,
  count: number,
): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = readerFor(layout);
  const { channels } = layout.format;
  const out = new Float32Array(count);
  const scale = 1 / channels;
  let at = layout.dataOffset + first * layout.blockAlign;
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(view, at + c * layout.bytesPerSample);
    out[i] = channels === 1 ? sum : sum * scale;
    at += layout.blockAlign;
  }
  return out;
}

/** The internal format already (16 kHz mono 16-bit): a plain copy, bit-exact. */
export function isInternalFormat(layout: WavLayout): boolean {
  const { format } = layout;
  return (
    format.sampleRate === 16_000 &&
    format.channels === 1 &&
    format.encoding === "pcm" &&
    layout.bytesPerSample === 2
  );
}

export function copyInt16(bytes: Uint8Array, layout: WavLayout): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(layout.frames);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(layout.dataOffset + 2 * i, true);
  return out;
}
