// Test-only: find boxes in what the writer produced, to check single fields by their spec names.

/** Bytes a sample entry has before its child boxes (14496-12 12.1.3, 12.2.3). */
const ENTRY_HEADER: Record<string, number> = { avc1: 78, hvc1: 78, av01: 78, mp4a: 28 };
/** FullBoxes whose children follow a fixed field: stsd and dref have an entry_count. */
const AFTER_FIELDS: Record<string, number> = { stsd: 8, dref: 8 };

function children(bytes: Uint8Array, start: number, end: number): { type: string; start: number; end: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { type: string; start: number; end: number }[] = [];
  for (let at = start; at + 8 <= end; ) {
    const size = view.getUint32(at);
    if (size < 8) throw new Error(`box of size ${size} at ${at}`);
    out.push({ type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)), start: at, end: at + size });
    at += size;
  }
  return out;
}

/** Types of the boxes directly inside `box` (whole bytes at the top level when box is omitted). */
export function childTypes(bytes: Uint8Array, ...path: string[]): string[] {
  if (path.length === 0) return children(bytes, 0, bytes.length).map((c) => c.type);
  const box = findBox(bytes, ...path);
  const type = path.at(-1)!;
  return children(box, 8 + (ENTRY_HEADER[type] ?? AFTER_FIELDS[type] ?? 0), box.length).map((c) => c.type);
}

/** The first box at `path` (e.g. 'moov', 'trak', 'mdia'), header included; `trak[1]` picks the second. */
export function findBox(bytes: Uint8Array, ...path: string[]): Uint8Array {
  let current = bytes;
  let bodyStart = 0;
  for (const step of path) {
    const [, type, nth] = /^(.{4})(?:\[(\d+)\])?$/.exec(step)!;
    const found = children(current, bodyStart, current.length).filter((c) => c.type === type)[Number(nth ?? 0)];
    if (!found) throw new Error(`no ${step} in ${path.join('/')}`);
    current = current.subarray(found.start, found.end);
    bodyStart = 8 + (ENTRY_HEADER[type!] ?? AFTER_FIELDS[type!] ?? 0);
  }
  return current;
}

/** The big-endian u32 at `offset` of a box (offset 8 is the first body byte). */
export function u32At(box: Uint8Array, offset: number): number {
  return new DataView(box.buffer, box.byteOffset, box.byteLength).getUint32(offset);
}

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
export const fromHex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
