// Transport stream packet constants (ITU-T H.222.0 / ISO 13818-1, 2.4.3.2).

export const PACKET_SIZE = 188;
export const SYNC_BYTE = 0x47;
export const PAT_PID = 0x0000;
/** PIDs are 13 bits. */
export const PID_COUNT = 0x2000;

/** stream_type values we demux (Table 2-34 and its amendments). */
export const StreamType = {
  AAC_ADTS: 0x0f,
  H264: 0x1b,
  HEVC: 0x24,
} as const;

/** Names for the stream types we skip, so the "unsupported" report says what arrived. */
const STREAM_TYPE_NAMES: Record<number, string> = {
  0x01: 'MPEG-1 video',
  0x02: 'MPEG-2 video',
  0x03: 'MPEG-1 audio',
  0x04: 'MPEG-2 audio',
  0x06: 'private data (e.g. AC-3, Opus, subtitles)',
  0x11: 'AAC LATM',
  0x15: 'ID3 metadata',
  0x81: 'AC-3',
  0x87: 'E-AC-3',
  0x86: 'SCTE-35',
  0x1c: 'MPEG-4 audio without transport',
  0x20: 'H.264 MVC sub-bitstream',
  0x33: 'VVC',
};

export function streamTypeName(streamType: number): string {
  const hex = `0x${streamType.toString(16).padStart(2, '0')}`;
  const name = STREAM_TYPE_NAMES[streamType];
  return name ? `${hex} (${name})` : hex;
}
