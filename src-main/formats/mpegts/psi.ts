// Program-specific information: section reassembly and the PAT/PMT tables (H.222.0 2.4.4).

/** PSI sections are at most 1024 bytes (section_length ≤ 1021); private ones up to 4096. */
const MAX_SECTION_SIZE = 4096;

/**
 * Reassembles PSI sections of one PID from packet payloads: pointer_field on a unit
 * start, sections spanning packets, several sections in one packet, 0xFF stuffing.
 */
export class SectionAssembler {
  private readonly buffer = new Uint8Array(MAX_SECTION_SIZE);
  private length = 0;
  /** False until a unit start tells where a section begins. */
  private inSection = false;

  constructor(
    private readonly onSection: (section: Uint8Array) => void,
    private readonly onError: (detail: string) => void,
  ) {}

  /** Payload bytes data[start, end) of one packet. */
  push(data: Uint8Array, start: number, end: number, unitStart: boolean): void {
    let at = start;
    if (unitStart) {
      if (at >= end) return;
      const pointer = data[at++]!; // pointer_field: bytes that finish the previous section
      if (at + pointer > end) {
        this.onError(`pointer_field ${pointer} points past the packet`);
        this.reset();
        return;
      }
      if (this.inSection) {
        this.append(data, at, at + pointer);
        this.drain();
      }
      at += pointer;
      this.length = 0;
      this.inSection = true;
    }
    if (!this.inSection) return;
    this.append(data, at, end);
    this.drain();
  }

  /** Forget a partial section (after lost packets). */
  reset(): void {
    this.length = 0;
    this.inSection = false;
  }

  private append(data: Uint8Array, start: number, end: number): void {
    const count = end - start;
    if (this.length + count > this.buffer.length) {
      this.onError(`section longer than ${MAX_SECTION_SIZE} bytes`);
      this.reset();
      return;
    }
    for (let i = 0; i < count; i++) this.buffer[this.length + i] = data[start + i]!;
    this.length += count;
  }

  /** Hands out every complete section in the buffer; stops at stuffing or a partial one. */
  private drain(): void {
    let at = 0;
    while (this.inSection && this.length - at >= 3) {
      if (this.buffer[at] === 0xff) {
        // table_id 0xFF: stuffing up to the end of the packet, no more sections until the next unit start
        this.inSection = false;
        break;
      }
      const sectionLength = ((this.buffer[at + 1]! & 0x0f) << 8) | this.buffer[at + 2]!;
      const total = 3 + sectionLength;
      if (total > MAX_SECTION_SIZE) {
        this.onError(`section_length ${sectionLength} is too long`);
        this.reset();
        return;
      }
      if (this.length - at < total) break;
      this.onSection(this.buffer.subarray(at, at + total));
      at += total;
    }
    if (at > 0) {
      this.buffer.copyWithin(0, at, this.length);
      this.length -= at;
    }
  }
}

export interface ProgramAssociation {
  /** program_number → program_map_PID, in table order, without the network PID (program 0). */
  programs: { programNumber: number; pmtPid: number }[];
}

export interface ProgramMap {
  programNumber: number;
  pcrPid: number;
  streams: { streamType: number; pid: number }[];
}

/** Common long-form section checks; returns the reason it is unusable, or null. */
function checkSection(section: Uint8Array, tableId: number, what: string): string | null {
  if (section[0] !== tableId) return `${what}: table_id ${section[0]} is not ${tableId}`;
  if (section.length < 12) return `${what}: section of ${section.length} bytes is too short`;
  if ((section[1]! & 0x80) === 0) return `${what}: section_syntax_indicator is 0`;
  if (crc32Mpeg(section) !== 0) return `${what}: CRC_32 mismatch`;
  return null;
}

/** Whether a section applies now (current_next_indicator), rather than announcing the next version. */
function isCurrent(section: Uint8Array): boolean {
  return (section[5]! & 0x01) === 1;
}

/** program_association_section (2.4.4.4); a string says why the section was rejected, null means "not current, ignore". */
export function parsePat(section: Uint8Array): ProgramAssociation | string | null {
  const problem = checkSection(section, 0x00, 'PAT');
  if (problem) return problem;
  if (!isCurrent(section)) return null;
  const programs: ProgramAssociation['programs'] = [];
  const end = section.length - 4; // CRC_32
  for (let at = 8; at + 4 <= end; at += 4) {
    const programNumber = (section[at]! << 8) | section[at + 1]!;
    const pid = ((section[at + 2]! & 0x1f) << 8) | section[at + 3]!;
    if (programNumber !== 0) programs.push({ programNumber, pmtPid: pid });
  }
  return { programs };
}

/** TS_program_map_section (2.4.4.8); a string says why the section was rejected, null means "not current, ignore". */
export function parsePmt(section: Uint8Array): ProgramMap | string | null {
  const problem = checkSection(section, 0x02, 'PMT');
  if (problem) return problem;
  if (!isCurrent(section)) return null;
  const programNumber = (section[3]! << 8) | section[4]!;
  const pcrPid = ((section[8]! & 0x1f) << 8) | section[9]!;
  const programInfoLength = ((section[10]! & 0x0f) << 8) | section[11]!;
  const end = section.length - 4; // CRC_32
  const streams: ProgramMap['streams'] = [];
  let at = 12 + programInfoLength; // program descriptors
  while (at + 5 <= end) {
    const streamType = section[at]!;
    const pid = ((section[at + 1]! & 0x1f) << 8) | section[at + 2]!;
    const esInfoLength = ((section[at + 3]! & 0x0f) << 8) | section[at + 4]!;
    streams.push({ streamType, pid });
    at += 5 + esInfoLength; // ES descriptors
  }
  if (at > end) return 'PMT: elementary stream loop runs past the section';
  return { programNumber, pcrPid, streams };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    table[i] = crc >>> 0;
  }
  return table;
})();

/** CRC-32/MPEG-2 (Annex A: polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection); 0 over a section whose CRC_32 is intact. */
export function crc32Mpeg(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]!) & 0xff]!;
  return crc >>> 0;
}
