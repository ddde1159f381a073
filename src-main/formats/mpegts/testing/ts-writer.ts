// Test-only MPEG-TS writer: just enough of H.222.0 to build streams ffmpeg would not make
// (split access units, odd PES forms), to feed the demuxer.
import { crc32Mpeg } from '../psi.js';

const PACKET = 188;

/** Per-PID continuity counters. */
export class TsWriter {
  private readonly counters = new Map<number, number>();
  readonly packets: Uint8Array[] = [];

  /** A PAT for program 1 and its PMT; streams as [stream_type, PID]. */
  program(pmtPid: number, streams: [number, number][]): this {
    this.section(0, longSection(0x00, 1, [0x00, 0x01, 0xe0 | (pmtPid >> 8), pmtPid & 0xff]));
    const loop = streams.flatMap(([type, pid]) => [type, 0xe0 | (pid >> 8), pid & 0xff, 0xf0, 0x00]);
    const pcrPid = streams[0]?.[1] ?? 0x1fff;
    this.section(pmtPid, longSection(0x02, 1, [0xe0 | (pcrPid >> 8), pcrPid & 0xff, 0xf0, 0x00, ...loop]));
    return this;
  }

  /** One PES, cut into packets: the first with payload_unit_start_indicator, the last padded by an adaptation field. */
  pes(pid: number, pes: Uint8Array): this {
    for (let at = 0, first = true; at < pes.length || first; first = false) {
      const take = Math.min(PACKET - 4, pes.length - at);
      const packet = new Uint8Array(PACKET).fill(0xff);
      const cc = this.nextCc(pid);
      packet.set([0x47, (first ? 0x40 : 0) | (pid >> 8), pid & 0xff]);
      const stuffing = PACKET - 4 - take;
      if (stuffing > 0) {
        packet[3] = 0x30 | cc; // adaptation field and payload
        packet[4] = stuffing - 1; // adaptation_field_length
        if (stuffing > 1) packet[5] = 0x00; // no flags; the rest stays 0xFF stuffing
      } else {
        packet[3] = 0x10 | cc;
      }
      packet.set(pes.subarray(at, at + take), 4 + stuffing);
      this.packets.push(packet);
      at += take;
    }
    return this;
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.packets);
  }

  private section(pid: number, section: Uint8Array): void {
    const packet = new Uint8Array(PACKET).fill(0xff);
    packet.set([0x47, 0x40 | (pid >> 8), pid & 0xff, 0x10 | this.nextCc(pid), 0x00]); // pointer_field 0
    packet.set(section, 5);
    this.packets.push(packet);
  }

  private nextCc(pid: number): number {
    const cc = ((this.counters.get(pid) ?? -1) + 1) & 0x0f;
    this.counters.set(pid, cc);
    return cc;
  }
}

/** A long-form PSI section (table_id_extension, version 0, current) with its CRC_32. */
export function longSection(tableId: number, extension: number, body: number[]): Uint8Array {
  const length = 5 + body.length + 4;
  const bytes = Uint8Array.from([tableId, 0xb0 | (length >> 8), length & 0xff, extension >> 8, extension & 0xff, 0xc1, 0x00, 0x00, ...body, 0, 0, 0, 0]);
  new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32Mpeg(bytes.subarray(0, bytes.length - 4)));
  return bytes;
}

/** A 5-byte PTS/DTS field with the given 4-bit prefix (2.4.3.7). */
function timestampField(prefix: number, t: number): number[] {
  const high = Math.floor(t / 2 ** 30) & 7;
  const low = t % 2 ** 30;
  return [(prefix << 4) | (high << 1) | 1, (low >>> 22) & 0xff, (((low >>> 15) & 0x7f) << 1) | 1, (low >>> 7) & 0xff, ((low & 0x7f) << 1) | 1];
}

/** A PES packet; `bounded` writes PES_packet_length, else 0 (the unbounded video form). */
export function pesPacket(streamId: number, payload: Uint8Array, opts: { pts?: number; dts?: number; bounded?: boolean } = {}): Uint8Array {
  const { pts, dts, bounded = true } = opts;
  const fields = [...(pts !== undefined ? timestampField(dts !== undefined ? 3 : 2, pts) : []), ...(pts !== undefined && dts !== undefined ? timestampField(1, dts) : [])];
  const flags = pts === undefined ? 0 : dts === undefined ? 0x80 : 0xc0;
  const header = [0x80, flags, fields.length, ...fields];
  const length = bounded ? header.length + payload.length : 0;
  if (length > 0xffff) throw new Error(`PES of ${length} bytes needs the unbounded form`);
  const out = new Uint8Array(6 + header.length + payload.length);
  out.set([0, 0, 1, streamId, length >> 8, length & 0xff, ...header]);
  out.set(payload, 6 + header.length);
  return out;
}
