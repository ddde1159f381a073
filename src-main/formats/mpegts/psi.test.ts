import { describe, expect, it } from 'vitest';
import { SectionAssembler, crc32Mpeg, parsePat, parsePmt } from './psi.js';
import { longSection } from './testing/ts-writer.js';

/** A long-form section for program/transport_stream_id 1, with its CRC_32. */
const section = (tableId: number, body: number[]) => longSection(tableId, 1, body);

const pat = section(0x00, [0x00, 0x00, 0xe0, 0x10, 0x00, 0x01, 0xf0, 0x00]); // network PID 0x10, program 1 → PMT 0x1000
// program_number in bytes 3..4 is 1 (from the head), PCR PID 0x100, no program info; H.264 on 0x100, ADTS on 0x101 with a 3-byte descriptor
const pmt = section(0x02, [0xe1, 0x00, 0xf0, 0x00, 0x1b, 0xe1, 0x00, 0xf0, 0x00, 0x0f, 0xe1, 0x01, 0xf0, 0x03, 0x0a, 0x01, 0x00]);

describe('PSI tables', () => {
  it('crc32Mpeg is CRC-32/MPEG-2 and 0 over an intact section', () => {
    expect(crc32Mpeg(new TextEncoder().encode('123456789'))).toBe(0x0376e6e7);
    expect(crc32Mpeg(pat)).toBe(0);
  });

  it('parses the PAT without the network PID and the PMT with its descriptors skipped', () => {
    expect(parsePat(pat)).toEqual({ programs: [{ programNumber: 1, pmtPid: 0x1000 }] });
    expect(parsePmt(pmt)).toEqual({
      programNumber: 1,
      pcrPid: 0x100,
      streams: [
        { streamType: 0x1b, pid: 0x100 },
        { streamType: 0x0f, pid: 0x101 },
      ],
    });
  });

  it('rejects a damaged CRC, the wrong table and truncation; ignores next-version tables', () => {
    const damaged = Uint8Array.from(pat);
    damaged[9]! ^= 1;
    expect(parsePat(damaged)).toMatch(/CRC/);
    expect(parsePmt(pat)).toMatch(/table_id/);
    expect(parsePat(pat.subarray(0, 8))).toMatch(/too short/);
    const next = Uint8Array.from(pat);
    next[5] = 0xc0;
    new DataView(next.buffer).setUint32(next.length - 4, crc32Mpeg(next.subarray(0, next.length - 4)));
    expect(parsePat(next)).toBeNull();
  });
});

describe('SectionAssembler', () => {
  function collect() {
    const sections: number[][] = [];
    const errors: string[] = [];
    const assembler = new SectionAssembler(
      (s) => sections.push(Array.from(s)),
      (e) => errors.push(e),
    );
    return { sections, errors, assembler };
  }

  it('joins a section spread over packets and splits several in one payload, stopping at stuffing', () => {
    const { sections, errors, assembler } = collect();
    const first = Uint8Array.from([0, ...pmt.subarray(0, 10)]); // pointer_field 0
    assembler.push(first, 0, first.length, true);
    assembler.push(pmt, 10, pmt.length, false);
    const both = Uint8Array.from([0, ...pat, ...pat, 0xff, 0xff, 0xff]);
    assembler.push(both, 0, both.length, true);
    expect(sections).toEqual([Array.from(pmt), Array.from(pat), Array.from(pat)]);
    expect(errors).toEqual([]);
  });

  it('uses pointer_field to finish the previous section and start the next', () => {
    const { sections, assembler } = collect();
    const head = Uint8Array.from([0, ...pat.subarray(0, 5)]);
    assembler.push(head, 0, head.length, true);
    const rest = pat.subarray(5);
    const next = Uint8Array.from([rest.length, ...rest, ...pmt]);
    assembler.push(next, 0, next.length, true);
    expect(sections).toEqual([Array.from(pat), Array.from(pmt)]);
  });

  it('waits for a unit start, and reports a pointer_field past the packet', () => {
    const { sections, errors, assembler } = collect();
    assembler.push(pat, 0, pat.length, false);
    expect(sections).toEqual([]);
    const bad = Uint8Array.of(200, 1, 2);
    assembler.push(bad, 0, bad.length, true);
    expect(errors).toHaveLength(1);
  });
});
