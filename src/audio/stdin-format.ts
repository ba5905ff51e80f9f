import { EdgeVoiceError } from "../errors.js";
import type { AudioSourceInfo } from "./source.js";
import { parseWavStreamHeader, wavError } from "./wav-header.js";

export type StreamFormat = NonNullable<AudioSourceInfo["inputFormat"]>;

/** What the first bytes of stdin turned out to be: where the audio starts, and its format. */
export interface StdinStart {
  /** Bytes of the head that are header, not audio. */
  headerBytes: number;
  format: StreamFormat;
}

export const RAW_FORMAT: StreamFormat = {
  sampleRate: 16_000,
  channels: 1,
  bitsPerSample: 16,
  encoding: "pcm",
};

/** Bytes of stdin searched for a WAV "data" chunk before giving up. */
const MAX_HEADER_BYTES = 1 << 20;

const STDIN_WAV_HINT =
  "Pass the file with --input FILE.wav, or convert it on the way: sox in.wav -t raw -r 16000 -c 1 -b 16 -e signed-integer - | edge-voice run --input -";

/**
 * `--input -` takes raw s16le 16 kHz mono, but a WAV often arrives instead (arecord writes one
 * unless told `-t raw`). A stream that starts with a RIFF/WAVE header is read by it: 16-bit PCM
 * at any rate and channel count is converted; anything else is refused by name rather than
 * heard as noise. Undefined while more bytes are needed (`ended`: no more will come).
 */
export function sniffStdin(head: Uint8Array, ended: boolean): StdinStart | undefined {
  if (head.length < 4) return ended ? { headerBytes: 0, format: RAW_FORMAT } : undefined;
  if (String.fromCharCode(...head.subarray(0, 4)) !== "RIFF") return { headerBytes: 0, format: RAW_FORMAT };
  const layout = parseWavStreamHeader(head, "stdin");
  if (!layout) {
    if (ended) throw wavError("stdin", "truncated: the input ended inside its WAV header");
    if (head.length > MAX_HEADER_BYTES)
      throw wavError("stdin", 'no "data" chunk in the first 1 MiB of the WAV');
    return undefined;
  }
  const { format } = layout;
  if (format.encoding !== "pcm" || layout.bytesPerSample !== 2) {
    throw new EdgeVoiceError(
      "wav-invalid",
      `stdin: a ${format.bitsPerSample}-bit ${format.encoding === "pcm" ? "integer" : "float"} WAV; on stdin only 16-bit PCM WAV (any rate and channels) or raw s16le 16 kHz mono can be read`,
      { hint: STDIN_WAV_HINT },
    );
  }
  return { headerBytes: layout.dataOffset, format };
}
