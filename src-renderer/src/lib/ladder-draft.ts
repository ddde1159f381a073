// The ladder editor's draft: rows of height and bitrate as the user types them, turned
// into the API's TranscodeConfig (or null for "source only") with the mistakes named.
import type { TranscodeConfig } from '../../../src-main/contract/transcode-api';

export interface LadderRow {
  height: string;
  videoBitrate: string;
}

export interface LadderDraft {
  rows: LadderRow[];
  encoder: string;
  /** Archive the renditions too (each as NAME/720p). */
  record: boolean;
}

/** A ladder people start from: three rungs below 1080p, as streaming services offer. */
export const suggestedLadder: LadderRow[] = [
  { height: '720', videoBitrate: '3000k' },
  { height: '480', videoBitrate: '1200k' },
  { height: '360', videoBitrate: '700k' },
];

export const maxRungs = 8;

export function ladderDraftFrom(config: TranscodeConfig | null): LadderDraft {
  if (!config) return { rows: [], encoder: 'auto', record: false };
  return { rows: config.renditions.map((r) => ({ height: String(r.height), videoBitrate: r.videoBitrate })), encoder: config.encoder, record: config.record === true };
}

const bitrate = /^\d{1,9}(\.\d{1,3})?[kKmM]?$/;

/** The config to send, or the first mistake in words. */
export function ladderConfigFrom(draft: LadderDraft): { config: TranscodeConfig | null } | { error: string } {
  if (draft.rows.length === 0) return { config: null };
  if (draft.rows.length > maxRungs) return { error: `At most ${maxRungs} renditions` };
  const renditions: TranscodeConfig['renditions'] = [];
  for (const [i, row] of draft.rows.entries()) {
    const height = Number(row.height);
    if (!Number.isInteger(height) || height < 144 || height > 4320) return { error: `Row ${i + 1}: height is a whole number of lines from 144 to 4320` };
    if (!bitrate.test(row.videoBitrate.trim())) return { error: `Row ${i + 1}: bitrate like 1200k or 2.5M` };
    renditions.push({ height, videoBitrate: row.videoBitrate.trim() });
  }
  return { config: { renditions, encoder: draft.encoder, ...(draft.record ? { record: true } : {}) } };
}

export const sameLadder = (a: TranscodeConfig | null, b: TranscodeConfig | null) => JSON.stringify(a) === JSON.stringify(b);
