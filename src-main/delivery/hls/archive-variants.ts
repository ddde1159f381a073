// The variants of a stretch of the archive: the source as recorded, and each rendition
// its ladder recorded beside it (NAME/720p, archived as streams of their own). What the
// multivariant playlist of a DVR range lists, measured from what was written, not from
// the ladder's settings now (a ladder may have changed or gone since).
import { Problem } from '../../contract/problem.js';
import { renditionNamePattern } from '../../contract/stream-name.js';
import type { ArchiveStore } from '../../dvr/archive-store.js';
import type { DvrIndex } from '../../dvr/dvr-index.js';
import type { Variant } from './master-playlist.js';

export interface ArchiveVariantsDeps {
  index: Pick<DvrIndex, 'childStreams' | 'rates'>;
  archive: Pick<ArchiveStore, 'readInit'>;
}

/**
 * The source first, then the recorded renditions that hold segments in [fromMs, toMs),
 * each with its media playlist `file` (index-FROM-DURATION.m3u8 …) as a relative URI.
 * Empty when nothing of the stream was recorded there.
 */
export async function archiveVariants(deps: ArchiveVariantsDeps, name: string, range: { fromMs: number; toMs: number }, file: string): Promise<Variant[]> {
  const renditions = deps.index.childStreams(name).filter((child) => renditionNamePattern.test(child.slice(name.length + 1)));
  const candidates = [{ stream: name, uri: file }, ...renditions.map((stream) => ({ stream, uri: `${stream.slice(name.length + 1)}/${file}` }))];
  const variants: Variant[] = [];
  for (const { stream, uri } of candidates) {
    const rates = deps.index.rates(stream, range.fromMs, range.toMs);
    if (!rates) continue;
    let tracks;
    try {
      ({ tracks } = await deps.archive.readInit(rates.newestInitId));
    } catch (error) {
      // An init retention has just taken: the variant is left out, the others still play.
      if (error instanceof Problem && error.kind === 'not-found') continue;
      throw error;
    }
    variants.push({ uri, bandwidth: rates.peakBps, averageBandwidth: rates.averageBps, tracks, frameRate: null });
  }
  return variants;
}
