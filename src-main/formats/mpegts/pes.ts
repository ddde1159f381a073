import { ByteBuffer } from './byte-buffer.js';

// PES packets (H.222.0 2.4.3.6): reassembly from TS payloads and the header fields we use.

export interface PesHeader {
  streamId: number;
  /** 33-bit PTS as sent, or null */
  pts: number | null;
  /** 33-bit DTS as sent, or null (then it equals the PTS) */
  dts: number | null;
  /** Offset of PES_packet_data_byte in the packet. */
  payloadOffset: number;
  /** PES_packet_length; 0 for the unbounded form video may use */
  packetLength: number;
}

/** stream_ids whose packets have no optional PES header (2.4.3.7: padding, private_stream_2, ECM, EMM, directory, DSM-CC, H.222.1 type E). */
const NO_OPTIONAL_HEADER = new Set([0xbc, 0xbe, 0xbf, 0xf0, 0xf1, 0xf2, 0xf8, 0xff]);

/** The PES header of a complete PES packet; a string says what is wrong with it. */
export function parsePesHeader(pes: Uint8Array): PesHeader | string {
  if (pes.length < 6) return `PES of ${pes.length} bytes has no header`;
  if (pes[0] !== 0 || pes[1] !== 0 || pes[2] !== 1) return 'PES does not start with packet_start_code_prefix';
  const streamId = pes[3]!;
  const packetLength = (pes[4]! << 8) | pes[5]!;
  if (NO_OPTIONAL_HEADER.has(streamId)) return { streamId, pts: null, dts: null, payloadOffset: 6, packetLength };
  if (pes.length < 9) return 'PES ends inside its header';
  if ((pes[6]! & 0xc0) !== 0x80) return "PES optional header lacks its '10' marker";
  const ptsDtsFlags = pes[7]! >> 6;
  const headerDataLength = pes[8]!;
  const payloadOffset = 9 + headerDataLength;
  if (payloadOffset > pes.length) return `PES_header_data_length ${headerDataLength} runs past the packet`;
  let pts: number | null = null;
  let dts: number | null = null;
  if (ptsDtsFlags & 0x2) {
    if (headerDataLength < 5) return 'PES header too short for its PTS';
    pts = readTimestamp(pes, 9);
    if (ptsDtsFlags === 0x3) {
      if (headerDataLength < 10) return 'PES header too short for its DTS';
      dts = readTimestamp(pes, 14);
    }
  }
  return { streamId, pts, dts, payloadOffset, packetLength };
}

/** A 33-bit PTS/DTS in its 5-byte form: 4-bit prefix, bits 32..30, marker, 29..15, marker, 14..0, marker. */
function readTimestamp(b: Uint8Array, at: number): number {
  const high = (b[at]! >> 1) & 0x07;
  const low = (b[at + 1]! << 22) | ((b[at + 2]! >> 1) << 15) | (b[at + 3]! << 7) | (b[at + 4]! >> 1);
  return high * 0x40000000 + low;
}

/**
 * Collects one PID's payloads into a reusable buffer until a PES is complete: at its
 * PES_packet_length, or, for the unbounded video form (length 0), at the next
 * payload_unit_start_indicator. Past the size cap the PES is dropped.
 */
export class PesAssembler {
  private readonly buffer: ByteBuffer;
  /** 6 + PES_packet_length once known; 0 for unbounded; -1 before the first 6 bytes. */
  private expected = -1;
  private collecting = false;
  /** Packets were lost or the PES overflowed: drop it when it ends. */
  private damaged = false;
  private arrivedAt = 0;

  constructor(
    private readonly maxSize: number,
    initialSize: number,
    /** A complete, undamaged PES (a view into the reused buffer: valid during the call only) and when its last byte arrived. */
    private readonly onPes: (pes: Uint8Array, arrivedAt: number) => void,
    private readonly onError: (detail: string) => void,
    /** A PES was lost or dropped (packets missing, malformed length, over the cap): data of this PID is missing. */
    private readonly onLost: () => void,
  ) {
    this.buffer = new ByteBuffer(maxSize, initialSize);
  }

  /** Payload bytes data[start, end) of one packet of this PID. */
  push(data: Uint8Array, start: number, end: number, unitStart: boolean, arrivedAt: number): void {
    if (unitStart) {
      if (this.collecting) this.finish(true);
      this.collecting = true;
      this.damaged = false;
      this.buffer.clear();
      this.expected = -1;
    }
    if (!this.collecting || this.damaged) return;
    if (!this.buffer.append(data, start, end)) {
      this.onError(`PES larger than ${this.maxSize} bytes: dropped`);
      this.damaged = true;
      return;
    }
    this.arrivedAt = arrivedAt;
    const length = this.buffer.length;
    if (this.expected < 0 && length >= 6) {
      const packetLength = (this.buffer.at(4) << 8) | this.buffer.at(5);
      this.expected = packetLength === 0 ? 0 : 6 + packetLength;
    }
    if (this.expected > 0 && length >= this.expected) this.finish(false);
  }

  /** Packets of this PID went missing: the PES in progress is incomplete, or one between PES was lost whole. */
  markDamaged(): void {
    if (this.collecting) this.damaged = true;
    else this.onLost();
  }

  /** End of input: an unbounded PES in progress is complete now. */
  flush(): void {
    if (this.collecting) this.finish(true);
  }

  private finish(cutShort: boolean): void {
    this.collecting = false;
    if (this.damaged) return this.onLost();
    if (cutShort && this.expected !== 0) {
      // Bounded PES that never reached its length (or shorter than its 6-byte header).
      this.onError(`PES ended after ${this.buffer.length} of ${this.expected < 0 ? 'at least 6' : this.expected} bytes: dropped`);
      return this.onLost();
    }
    this.onPes(this.buffer.view(this.expected > 0 ? this.expected : undefined), this.arrivedAt);
  }
}
