import { describe, expect, it } from 'vitest';
import { PacketAligner } from './packet-aligner.js';

/** n packets whose second byte is their index. */
function packets(n: number): Uint8Array {
  const data = new Uint8Array(n * 188);
  for (let i = 0; i < n; i++) {
    data[i * 188] = 0x47;
    data[i * 188 + 1] = i;
  }
  return data;
}

function run(chunks: Uint8Array[]) {
  const seen: number[] = [];
  const resyncs: number[] = [];
  const truncated: number[] = [];
  const aligner = new PacketAligner(
    (data, offset) => seen.push(data[offset + 1]!),
    (n) => resyncs.push(n),
    (n) => truncated.push(n),
  );
  for (const chunk of chunks) aligner.push(chunk);
  aligner.end();
  return { seen, resyncs, truncated };
}

describe('PacketAligner', () => {
  it('hands out every packet whatever the chunk boundaries', () => {
    const data = packets(10);
    for (const size of [1, 2, 187, 188, 189, 500, 5000]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < data.length; at += size) chunks.push(data.subarray(at, at + size));
      expect(run(chunks)).toEqual({ seen: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], resyncs: [], truncated: [] });
    }
  });

  it('skips garbage before and between packets, and reports a partial packet at the end', () => {
    const data = packets(8);
    // Sync bytes inside the garbage do not fool the three-packet check. (Garbage that
    // starts with 0x47 right where a packet is due would pass as one packet: sync is
    // only re-checked per packet start.)
    const garbage = Uint8Array.of(1, 0x47, 2, 0x47, 5);
    const stream = Buffer.concat([garbage, data.subarray(0, 3 * 188), garbage, data.subarray(3 * 188), data.subarray(0, 100)]);
    const result = run([stream]);
    expect(result.seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(result.resyncs).toEqual([5, 5]);
    expect(result.truncated).toEqual([100]);
  });

  it('takes sync from one or two packets when the input ends', () => {
    expect(run([packets(1)]).seen).toEqual([0]);
    expect(run([Buffer.concat([Uint8Array.of(1, 2), packets(2)])])).toEqual({ seen: [0, 1], resyncs: [2], truncated: [] });
  });
});
