import { EdgeVoiceError } from "../errors.js";

/**
 * RIFF/WAVE container parsing: where the samples are and how they are encoded. Written by
 * hand rather than with `wavefile` (the common npm reader) because what matters here is
 * the refusal path: every corrupt, truncated or non-PCM file must be named with what is
 * wrong, and streaming writers' data sizes (0 or 0xFFFFFFFF = "to the end of the file")
 * must be read, not rejected or trusted. The format itself is small.
 */

export type WavEncoding = "pcm" | "float";

export interface WavFormat {
  sampleRate: number;
  channels: number;
  /** Significant bits per sample (wValidBitsPerSample for WAVE_FORMAT_EXTENSIBLE). */
  bitsPerSample: number;
  encoding: WavEncoding;
}

export interface WavLayout {
  format: WavFormat;
  /** Bytes per sample as stored (the container: 24-bit samples may sit in 4 bytes). */
  bytesPerSample: number;
  /** Bytes per sample frame (all channels). */
  blockAlign: number;
  /** Byte offset of the first sample in the file. */
  dataOffset: number;
  /** Whole sample frames in the data chunk (a trailing partial frame is ignored). */
  frames: number;
}

/** The command in every refusal: it turns any audio file sox can read into the internal format. */
export const WAV_CONVERT_HINT =
  "Convert it to 16 kHz mono 16-bit PCM, e.g.: sox in.wav -r 16000 -c 1 -b 16 out.wav (or: ffmpeg -i in.wav -ar 16000 -ac 1 -c:a pcm_s16le out.wav)";

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/**
 * Writers that stream to a pipe cannot seek back to fill in the data size, so they leave a
 * placeholder: 0, 0xFFFFFFFF, or (arecord, and others) 0x80000000 / 0x7FFFFFFF. A size at
 * least this large that the file does not hold is such a placeholder, not a 2 GB file cut short.
 */
const PLACEHOLDER_MIN = 0x7ffff000;
/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID whose first two bytes are a format tag. */
const KSDATAFORMAT_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];

/** Non-PCM codecs people meet in .wav files, named so the message says what the file is. */
const CODEC_NAMES = new Map<number, string>([
  [0x0002, "Microsoft ADPCM"],
  [0x0006, "A-law"],
  [0x0007, "mu-law"],
  [0x0011, "IMA ADPCM"],
  [0x0031, "GSM 6.10"],
  [0x0050, "MPEG audio"],
  [0x0055, "MP3"],
  [0x00ff, "AAC"],
  [0x0161, "WMA"],
  [0x1610, "HE-AAC"],
  [0xf1ac, "FLAC"],
]);

export function wavError(file: string, problem: string): EdgeVoiceError {
  return new EdgeVoiceError("wav-invalid", `${file}: ${problem}`, { hint: WAV_CONVERT_HINT });
}

/** Parses the container; throws EdgeVoiceError("wav-invalid") naming the file and the problem. */
export function parseWavLayout(bytes: Uint8Array, file: string): WavLayout {
  checkMagic(bytes, file);
  return layoutOf(findDataChunk(bytes, file, true) as DataChunk, bytes.length, file);
}

/**
 * The same from the first bytes of a file of `fileSize` bytes, so a long file need not be
 * read whole to be checked; undefined when its header does not fit in `head`.
 */
export function parseWavFileHead(head: Uint8Array, fileSize: number, file: string): WavLayout | undefined {
  checkMagic(head, file);
  if (head.length >= fileSize) return parseWavLayout(head, file);
  const found = findDataChunk(head, file, false);
  return found && layoutOf(found, fileSize, file);
}

/** Frames in the data chunk, as far as the file holds them (placeholder sizes of streamed recordings accepted). */
function layoutOf({ fmt, body, size }: DataChunk, fileSize: number, file: string): WavLayout {
  const available = fileSize - body;
  let dataBytes = size;
  if (size === 0 || (size >= PLACEHOLDER_MIN && size > available)) dataBytes = available;
  else if (size > available)
    throw wavError(
      file,
      `truncated: the data chunk declares ${size} bytes of audio but only ${available} are in the file`,
    );
  return { ...fmt, dataOffset: body, frames: Math.floor(dataBytes / fmt.blockAlign) };
}

/**
 * The header of a WAV arriving as a stream, from its first bytes: the format and where the
 * audio starts. Undefined while more bytes are needed; throws like parseWavLayout when what
 * has arrived is already wrong. The data size is not checked: a stream has no end yet.
 */
export function parseWavStreamHeader(bytes: Uint8Array, name: string): Omit<WavLayout, "frames"> | undefined {
  if (bytes.length < 12) return undefined;
  checkMagic(bytes, name);
  const found = findDataChunk(bytes, name, false);
  return found && { ...found.fmt, dataOffset: found.body };
}

type FmtInfo = Omit<WavLayout, "dataOffset" | "frames">;
interface DataChunk {
  fmt: FmtInfo;
  /** Offset of the data chunk's body and its declared size. */
  body: number;
  size: number;
}

/** Walks the chunks up to "data". `complete`: the bytes are the whole file (else: undefined = need more). */
function findDataChunk(bytes: Uint8Array, file: string, complete: boolean): DataChunk | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: FmtInfo | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = fourCC(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "data") {
      if (!fmt) throw wavError(file, 'corrupt: the "data" chunk comes before the "fmt " chunk');
      return { fmt, body, size };
    }
    if (body + size > bytes.length) {
      if (!complete) return undefined;
      throw wavError(file, `truncated: the file ends inside its "${printable(id)}" chunk`);
    }
    if (id === "fmt ") fmt = parseFmt(view, body, size, file);
    // RIFF pads odd-sized chunks with one byte that the size does not count.
    offset = body + size + (size & 1);
  }
  if (!complete) return undefined;
  if (!fmt) throw wavError(file, 'corrupt or truncated: no "fmt " chunk before the end of the file');
  throw wavError(file, 'truncated: no "data" chunk (the file holds no audio)');
}

function checkMagic(bytes: Uint8Array, file: string): void {
  if (bytes.length === 0) throw wavError(file, "not a WAV file: the file is empty");
  const head = fourCC(bytes, 0);
  if (head === "RIFF" && bytes.length >= 12 && fourCC(bytes, 8) === "WAVE") return;
  if (head === "RIFF" && bytes.length < 12)
    throw wavError(file, "truncated: the file ends inside its header");
  throw wavError(file, `not a WAV file: ${describeOtherFormat(bytes)}`);
}

function describeOtherFormat(bytes: Uint8Array): string {
  const head = fourCC(bytes, 0);
  if (head === "RIFX") return "big-endian RIFX WAV files are not supported";
  if (head === "RF64" || head === "BW64") return `${head} (64-bit WAV) files are not supported`;
  if (head === "RIFF") return `a RIFF file of type "${printable(fourCC(bytes, 8))}", not WAVE`;
  if (head === "fLaC") return "it is a FLAC file";
  if (head === "OggS") return "it is an Ogg (Vorbis/Opus) file";
  if (head.startsWith("ID3") || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0))
    return "it is an MP3 file";
  return 'it does not start with "RIFF....WAVE"';
}

function parseFmt(
  view: DataView,
  at: number,
  size: number,
  file: string,
): Omit<WavLayout, "dataOffset" | "frames"> {
  if (size < 16) throw wavError(file, `corrupt: the "fmt " chunk is ${size} bytes, at least 16 are needed`);
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const containerBits = view.getUint16(at + 14, true);
  let bits = containerBits;
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) throw wavError(file, `corrupt: WAVE_FORMAT_EXTENSIBLE "fmt " chunk of only ${size} bytes`);
    const validBits = view.getUint16(at + 18, true);
    if (validBits !== 0) bits = validBits;
    tag = view.getUint16(at + 24, true);
    for (let i = 0; i < KSDATAFORMAT_TAIL.length; i++) {
      if (view.getUint8(at + 26 + i) !== KSDATAFORMAT_TAIL[i])
        throw wavError(file, "unsupported encoding: WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID");
    }
  }
  const encoding = encodingOf(tag, file);
  if (channels === 0) throw wavError(file, "corrupt: the header says 0 channels");
  if (sampleRate < 1000 || sampleRate > 768_000)
    throw wavError(file, `corrupt or unsupported: a sample rate of ${sampleRate} Hz`);
  const bytesPerSample = blockAlign / channels;
  if (!Number.isInteger(bytesPerSample) || bits === 0 || bits > bytesPerSample * 8 || bits > containerBits)
    throw wavError(
      file,
      `corrupt: block align ${blockAlign} does not fit ${channels} channel(s) of ${bits}-bit samples`,
    );
  checkSampleWidth(encoding, bytesPerSample, bits, file);
  return { format: { sampleRate, channels, bitsPerSample: bits, encoding }, bytesPerSample, blockAlign };
}

function encodingOf(tag: number, file: string): WavEncoding {
  if (tag === WAVE_FORMAT_PCM) return "pcm";
  if (tag === WAVE_FORMAT_IEEE_FLOAT) return "float";
  const name = CODEC_NAMES.get(tag);
  const code = `0x${tag.toString(16).padStart(4, "0")}`;
  throw wavError(
    file,
    `unsupported encoding: ${name ? `${name} (format ${code})` : `format ${code}`}; only PCM and float WAV files can be read`,
  );
}

function checkSampleWidth(encoding: WavEncoding, bytesPerSample: number, bits: number, file: string): void {
  const ok =
    encoding === "pcm"
      ? bytesPerSample >= 1 && bytesPerSample <= 4
      : bytesPerSample === 4 || bytesPerSample === 8;
  const okFloatBits = encoding === "pcm" || bits === bytesPerSample * 8;
  if (!ok || !okFloatBits)
    throw wavError(
      file,
      `unsupported sample format: ${bits}-bit ${encoding === "pcm" ? "integer" : "float"} in ${bytesPerSample}-byte samples; supported: 8/16/24/32-bit integer, 32/64-bit float`,
    );
}

function fourCC(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

function printable(id: string): string {
  return id.replace(/[^\x20-\x7e]/g, "?");
}
