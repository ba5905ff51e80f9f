/**
 * Raw little-endian s16 bytes -> samples, for byte streams (stdin, a recorder's stdout)
 * whose chunks can end in the middle of a sample: the odd byte is carried to the next chunk.
 */
export class S16leDecoder {
  private carry: number | undefined;

  /** True when an odd byte is waiting for its partner. */
  get hasPartialSample(): boolean {
    return this.carry !== undefined;
  }

  decode(chunk: Uint8Array): Int16Array {
    if (chunk.length === 0) return new Int16Array(0);
    const hasCarry = this.carry !== undefined;
    const total = chunk.length + (hasCarry ? 1 : 0);
    const out = new Int16Array(total >> 1);
    let src = 0;
    let dst = 0;
    if (hasCarry && out.length > 0) {
      out[dst++] = toInt16((this.carry as number) | ((chunk[src++] as number) << 8));
      this.carry = undefined;
    }
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (; src + 1 < chunk.length; src += 2) out[dst++] = view.getInt16(src, true);
    if (src < chunk.length) this.carry = chunk[src] as number;
    return out;
  }

  /** Forgets a carried byte (the stream restarted, e.g. a new recorder process). */
  reset(): void {
    this.carry = undefined;
  }
}

function toInt16(word: number): number {
  return word >= 0x8000 ? word - 0x10000 : word;
}
