import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { type FileHandle, open, readFile } from "node:fs/promises";
import { EdgeVoiceError } from "../errors.js";
import { unreadableReason } from "../util/file-error.js";
import { float32ToInt16, SAMPLE_RATE } from "./format.js";
import { copyInt16, decodeMonoFloat, isInternalFormat } from "./pcm-decode.js";
import { StreamingResampler } from "./resampler.js";
import { parseWavFileHead, parseWavLayout, type WavFormat, type WavLayout, wavError } from "./wav-header.js";

export type { WavEncoding, WavFormat } from "./wav-header.js";

export interface DecodedWav {
  /** 16 kHz mono s16: the internal format. */
  samples: Int16Array;
  /** The file's own format, as stored. */
  format: WavFormat;
}

/** Sample frames decoded per step, so a long 44.1 kHz stereo file never exists as one float array. */
const BLOCK_FRAMES = 32_768;

/**
 * Reads a WAV file of any PCM/float format, rate and channel count and converts it to the
 * internal format (down-mix by averaging, anti-aliased resampling to 16 kHz, s16).
 * Throws EdgeVoiceError "input-unreadable" when the file cannot be read and "wav-invalid"
 * (naming the file and the problem, with a conversion hint) when it is not a usable WAV.
 */
export async function readWav16kMono(file: string): Promise<DecodedWav> {
  const bytes = await readInput(file);
  return decodeWav16kMono(bytes, file);
}

/**
 * Checks that a file is a WAV this module can read, without converting it: for commands that
 * want to refuse a bad --input before spending seconds loading models. Same errors as
 * readWav16kMono.
 */
export async function inspectWav(file: string): Promise<WavFormat> {
  return parseWavLayout(await readInput(file), file).format;
}

/** Bytes enough for any WAV header this module reads (a header further in is read whole). */
const HEADER_BYTES = 64 * 1024;

/**
 * Checks a WAV file from its header and size, without reading its audio: `run --input`
 * refuses a missing or corrupt file this way before loading models, and a long recording
 * is then streamed (streamWav16kMono). Same errors as readWav16kMono.
 */
export function readWavLayoutSync(file: string): WavLayout {
  let head: Uint8Array;
  let size: number;
  try {
    const fd = openSync(file, "r");
    try {
      size = fstatSync(fd).size;
      const buffer = Buffer.alloc(Math.min(HEADER_BYTES, size));
      head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw unreadable(file, error);
  }
  return parseWavFileHead(head, size, file) ?? loadWavSync(file).layout;
}

/** The format of a WAV file, checked from its header (see readWavLayoutSync). */
export async function checkWavHeader(file: string): Promise<WavFormat> {
  return readWavLayoutSync(file).format;
}

/**
 * The audio of a WAV file as 16 kHz mono chunks, read and converted a block at a time: a
 * 2-hour recording costs a block of memory, not the file (781 MB read whole). The samples
 * are the ones decodeWav16kMono gives, bit for bit.
 */
export async function* streamWav16kMono(
  file: string,
  layout: WavLayout,
  signal: AbortSignal,
): AsyncGenerator<Int16Array> {
  const internal = isInternalFormat(layout);
  const resampler = internal
    ? undefined
    : await StreamingResampler.create(layout.format.sampleRate, SAMPLE_RATE);
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    resampler?.dispose();
    throw unreadable(file, error);
  }
  let left = Math.round((layout.frames * SAMPLE_RATE) / layout.format.sampleRate);
  const clip = (samples: Int16Array) => {
    const out = samples.length > left ? samples.subarray(0, left) : samples;
    left -= out.length;
    return out;
  };
  try {
    for (let first = 0; first < layout.frames && !signal.aborted; first += BLOCK_FRAMES) {
      const count = Math.min(BLOCK_FRAMES, layout.frames - first);
      const bytes = Buffer.alloc(count * layout.blockAlign);
      const { bytesRead } = await handle.read(
        bytes,
        0,
        bytes.length,
        layout.dataOffset + first * layout.blockAlign,
      );
      if (bytesRead < bytes.length) throw wavError(file, "truncated: the file got shorter while it was read");
      const block = { ...layout, dataOffset: 0, frames: count };
      yield clip(
        resampler
          ? float32ToInt16(resampler.process(decodeMonoFloat(bytes, block, 0, count)))
          : copyInt16(bytes, block),
      );
    }
    if (resampler && !signal.aborted) yield clip(float32ToInt16(resampler.finish()));
  } finally {
    await handle.close();
    resampler?.dispose();
  }
}

/**
 * Reads and checks a WAV file synchronously, without converting it: for a source that must
 * know the input's format when it is created (and refuse a bad file right there). Convert
 * the bytes later with decodeWav16kMono.
 */
export function loadWavSync(file: string): { bytes: Uint8Array; format: WavFormat; layout: WavLayout } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  const layout = parseWavLayout(bytes, file);
  return { bytes, format: layout.format, layout };
}

/** The same from bytes already in memory; `name` is used in error messages. */
export async function decodeWav16kMono(bytes: Uint8Array, name: string): Promise<DecodedWav> {
  const layout = parseWavLayout(bytes, name);
  if (isInternalFormat(layout)) return { samples: copyInt16(bytes, layout), format: layout.format };
  return { samples: await convert(bytes, layout), format: layout.format };
}

async function convert(bytes: Uint8Array, layout: WavLayout): Promise<Int16Array> {
  const resampler = await StreamingResampler.create(layout.format.sampleRate, SAMPLE_RATE);
  try {
    const expected = Math.round((layout.frames * SAMPLE_RATE) / layout.format.sampleRate);
    const out = new Int16Array(expected);
    let written = 0;
    const put = (chunk: Float32Array) => {
      const take = Math.min(chunk.length, expected - written);
      out.set(float32ToInt16(chunk.subarray(0, take)), written);
      written += take;
    };
    for (let first = 0; first < layout.frames; first += BLOCK_FRAMES) {
      const count = Math.min(BLOCK_FRAMES, layout.frames - first);
      put(resampler.process(decodeMonoFloat(bytes, layout, first, count)));
    }
    put(resampler.finish());
    return out;
  } finally {
    resampler.dispose();
  }
}

async function readInput(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw unreadable(file, error);
  }
}

function unreadable(file: string, error: unknown): EdgeVoiceError {
  const why = unreadableReason(error);
  return new EdgeVoiceError("input-unreadable", `cannot read ${file}: ${why}`, {
    hint: "check the WAV file's path and permissions",
    cause: error,
  });
}
