// RFC 6381 codec strings, as HLS's CODECS attribute and MediaSource.isTypeSupported
// want them, read from the configuration records the tracks carry.
import type { Track } from '../frame.js';
import { parseAudioSpecificConfig } from './aac.js';
import { CodecParseError } from './codec-error.js';

const hex2 = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();

/** avc1.PPCCLL: profile_idc, constraint flags, level_idc from the avcC record (ISO 14496-15 5.3.3.1). */
function avc1(avcC: Uint8Array): string {
  if (avcC.length < 4) throw new CodecParseError('avcC too short for a codec string');
  return `avc1.${hex2(avcC[1]!)}${hex2(avcC[2]!)}${hex2(avcC[3]!)}`.toLowerCase();
}

/**
 * hvc1.[A-C]?profile.compat.(L|H)level[.constraints] (ISO 14496-15 E.3): the compatibility
 * flags bit-reversed in hex, trailing zero constraint bytes left out.
 */
function hvc1(hvcC: Uint8Array): string {
  if (hvcC.length < 13) throw new CodecParseError('hvcC too short for a codec string');
  const space = ['', 'A', 'B', 'C'][hvcC[1]! >> 6]!;
  const tier = (hvcC[1]! >> 5) & 1 ? 'H' : 'L';
  const profile = hvcC[1]! & 0x1f;
  let flags = ((hvcC[2]! << 24) | (hvcC[3]! << 16) | (hvcC[4]! << 8) | hvcC[5]!) >>> 0;
  let reversed = 0;
  for (let i = 0; i < 32; i++) {
    reversed = ((reversed << 1) | (flags & 1)) >>> 0;
    flags >>>= 1;
  }
  const constraints = [...hvcC.subarray(6, 12)];
  while (constraints.length > 0 && constraints.at(-1) === 0) constraints.pop();
  return [`hvc1`, `${space}${profile}`, reversed.toString(16).toUpperCase(), `${tier}${hvcC[12]!}`, ...constraints.map(hex2)].join('.');
}

/** av01.P.LLT.DD (AV1 ISOBMFF binding, Codecs Parameter String): profile, level, tier, bit depth. */
function av01(av1C: Uint8Array): string {
  if (av1C.length < 4) throw new CodecParseError('av1C too short for a codec string');
  const profile = av1C[1]! >> 5;
  const level = av1C[1]! & 0x1f;
  const tier = av1C[2]! >> 7 ? 'H' : 'M';
  const high = (av1C[2]! >> 6) & 1;
  const twelve = (av1C[2]! >> 5) & 1;
  const depth = high ? (twelve ? 12 : 10) : 8;
  return `av01.${profile}.${String(level).padStart(2, '0')}${tier}.${String(depth).padStart(2, '0')}`;
}

/** The track's codec string; throws CodecParseError when its configuration cannot say. */
export function codecString(track: Track): string {
  if (track.kind === 'video') {
    if (track.codec === 'h264') return avc1(track.config);
    if (track.codec === 'hevc') return hvc1(track.config);
    return av01(track.config);
  }
  if (track.codec === 'aac') return `mp4a.40.${parseAudioSpecificConfig(track.config).objectType}`;
  if (track.codec === 'mp3') return 'mp4a.40.34';
  return 'opus';
}
