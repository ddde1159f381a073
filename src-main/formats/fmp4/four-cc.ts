// Box types are four-character codes stored as one big-endian u32 (ISO/IEC 14496-12 4.2).

/** 'moov' → the u32 it is stored as. */
export function fourCC(code: string): number {
  return ((code.charCodeAt(0) << 24) | (code.charCodeAt(1) << 16) | (code.charCodeAt(2) << 8) | code.charCodeAt(3)) >>> 0;
}

/** The u32 back as text, for error messages (non-printable bytes as '?'). */
export function fourCCName(type: number): string {
  let name = '';
  for (let shift = 24; shift >= 0; shift -= 8) {
    const c = (type >>> shift) & 0xff;
    name += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return name;
}
