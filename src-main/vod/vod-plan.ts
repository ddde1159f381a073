// How a library file plays as HLS: which variants (the original remuxed when browsers
// can take it as it is, and transcoded sizes up to the picture's own), where segments
// begin, and the playlists that list them. Pure: the same file gives the same plan, so
// a segment made today and one made next week line up.
import type { ProbedMedia } from '../contract/library-api.js';

/** A transcoded size: named by the picture's short side (a portrait 720p is 720 wide). */
export interface Rung {
  short: number;
  videoBitrate: number;
  /** H.264 level_idc this size needs at 30 fps (x264 is told, CODECS says it). */
  level: number;
}

/** Mail.Ru's omnivorous player offered 240p to 1080p; bitrates as Apple's authoring guide suggests for H.264. */
export const vodLadder: readonly Rung[] = [
  { short: 240, videoBitrate: 400_000, level: 30 },
  { short: 360, videoBitrate: 800_000, level: 30 },
  { short: 480, videoBitrate: 1_400_000, level: 31 },
  { short: 720, videoBitrate: 2_800_000, level: 31 },
  { short: 1080, videoBitrate: 5_000_000, level: 40 },
];
export const vodAudioBitrate = 128_000;
export const vodAudioRate = 48_000;

/**
 * How the original plays remuxed: MPEG-TS (8-bit H.264 with AAC/MP3, what every HLS player
 * takes) or fragmented MP4 (HEVC, AV1, or H.264 with other sound: what MPEG-TS cannot carry).
 */
export type RemuxContainer = 'ts' | 'fmp4';

export type VodVariant =
  | { name: 'source'; kind: 'remux'; container: RemuxContainer; audioCopy: boolean; width: number; height: number; bandwidth: number; codecs: string | null; audio: number | null }
  | { name: string; kind: 'transcode'; width: number; height: number; rung: Rung; bandwidth: number; codecs: string; audio: number | null }
  | { name: 'audio'; kind: 'audio'; copy: boolean; bandwidth: number; codecs: string; audio: number };

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** The picture as it shows (a phone's portrait video is stored landscape, turned on display). */
export function displaySize(media: ProbedMedia): { width: number; height: number } | null {
  const v = media.video;
  if (!v) return null;
  return v.rotation === 90 || v.rotation === 270 ? { width: v.height, height: v.width } : { width: v.width, height: v.height };
}

/** The size of a rung for this picture: short side `short`, aspect kept, even. */
export function rungSize(display: { width: number; height: number }, short: number): { width: number; height: number } {
  return display.width >= display.height
    ? { width: even((display.width * short) / display.height), height: short }
    : { width: short, height: even((display.height * short) / display.width) };
}

const h264Profiles: Record<string, number> = { Baseline: 66, 'Constrained Baseline': 66, Main: 77, Extended: 88, High: 100 };

/** avc1.PPCCLL from ffprobe's profile name and level; null when it cannot say. */
export function avcCodecString(profile: string | null, level: number | null): string | null {
  const idc = profile ? h264Profiles[profile] : undefined;
  if (!idc || !level) return null;
  const constraints = profile === 'Constrained Baseline' ? 0x40 : 0;
  return `avc1.${[idc, constraints, level].map((n) => n.toString(16).padStart(2, '0')).join('')}`;
}

/** The audio track a player hears: the first with a known language, else the first. */
function mainAudio(media: ProbedMedia) {
  return media.audio[0] ?? null;
}

/** Sound an fMP4 remux copies; any other is encoded to AAC beside the copied picture. */
const fmp4AudioCopy = new Set(['aac', 'opus']);

/**
 * How the original plays with its picture copied, or null when only transcoded sizes can
 * play it: upright pictures only (neither container here carries the turn), 8-bit H.264
 * in MPEG-TS when its sound is AAC, MP3 or none, else in fMP4 (HEVC and AV1 8/10-bit,
 * H.264 with Opus, AC-3 …). Browsers that cannot decode it skip the variant by its CODECS.
 */
export function remuxable(media: ProbedMedia): { container: RemuxContainer; audioCopy: boolean } | null {
  const v = media.video;
  const a = mainAudio(media);
  if (!v || v.rotation !== 0) return null;
  if (v.codec === 'h264' && v.bitDepth === 8 && (a === null || a.codec === 'aac' || a.codec === 'mp3')) return { container: 'ts', audioCopy: true };
  const pictureFits = (v.codec === 'h264' && v.bitDepth === 8) || ((v.codec === 'hevc' || v.codec === 'av1') && (v.bitDepth === 8 || v.bitDepth === 10));
  return pictureFits ? { container: 'fmp4', audioCopy: a === null || fmp4AudioCopy.has(a.codec) } : null;
}

export function planVariants(media: ProbedMedia): VodVariant[] {
  const audio = mainAudio(media);
  const audioIndex = audio?.index ?? null;
  const display = displaySize(media);
  if (!display) {
    if (!audio) return [];
    const copy = audio.codec === 'aac' || audio.codec === 'mp3';
    return [{ name: 'audio', kind: 'audio', copy, bandwidth: copy && media.bitrate ? media.bitrate : vodAudioBitrate * 1.1, codecs: copy && audio.codec === 'mp3' ? 'mp4a.40.34' : 'mp4a.40.2', audio: audio.index }];
  }
  const short = Math.min(display.width, display.height);
  const variants: VodVariant[] = [];
  const remux = remuxable(media);
  if (remux) {
    const video = avcCodecString(media.video!.profile, media.video!.level);
    // fMP4's CODECS are read from its init segment once made (the service fills them in).
    const codecs = remux.container === 'ts' && video && (audio === null || audio.codec === 'aac') ? [video, ...(audio ? ['mp4a.40.2'] : [])].join(',') : null;
    // Peak of a file's own encoding is not known without reading it all: twice its average is a safe ceiling for ABR.
    variants.push({ name: 'source', kind: 'remux', ...remux, ...display, bandwidth: (media.bitrate ?? 8_000_000) * 2, codecs, audio: audioIndex });
  }
  // An fMP4 original (HEVC, AV1, Opus) does not play everywhere: the sizes go up to its own, in H.264 that does.
  const universal = remux?.container === 'ts';
  const rungs = vodLadder.filter((r) => (universal ? r.short < short : r.short <= short));
  if (!universal && !rungs.some((r) => r.short === short) && short < 1080) {
    // A picture between rungs, or smaller than the smallest, is offered at its own size too.
    const above = vodLadder.find((r) => r.short > short) ?? vodLadder.at(-1)!;
    rungs.push({ ...above, short: even(short) });
  }
  for (const rung of rungs.sort((a, b) => b.short - a.short)) {
    const size = rungSize(display, rung.short);
    const avc = `avc1.6400${rung.level.toString(16).padStart(2, '0')}`;
    variants.push({
      name: `${rung.short}p`,
      kind: 'transcode',
      ...size,
      rung,
      bandwidth: Math.round(rung.videoBitrate * 1.1 + (audio ? vodAudioBitrate : 0)),
      codecs: audio ? `${avc},mp4a.40.2` : avc,
      audio: audioIndex,
    });
  }
  return variants;
}

/** Transcoded segments: a short first one (the first picture comes quickly), then this long. */
export const firstSegmentSeconds = 2;
export const segmentSeconds = 4;

/** Segment starts (seconds from the file's start) on the fixed grid, the file's length closing the last. */
export function gridSegments(duration: number): number[] {
  const starts = [0];
  for (let t = firstSegmentSeconds; t < duration - 0.5; t += segmentSeconds) starts.push(t);
  return starts;
}

/**
 * Segment starts at keyframes (seconds from the file's start, sorted): the first keyframe,
 * then the first keyframe at least the target past the last start.
 */
export function keyframeSegments(keyframes: readonly number[], duration: number): number[] {
  const starts: number[] = [];
  for (const k of keyframes) {
    if (k >= duration - 0.5 && starts.length > 0) break;
    const last = starts.at(-1);
    if (last === undefined || k >= last + (starts.length === 1 ? firstSegmentSeconds : segmentSeconds) - 0.001) starts.push(Math.max(0, k));
  }
  if (starts.length === 0) starts.push(0);
  starts[0] = 0;
  return starts;
}

/** [start, end) of segment `k`, or null past the end. */
export function segmentSpan(starts: readonly number[], duration: number, k: number): { start: number; end: number } | null {
  if (!Number.isInteger(k) || k < 0 || k >= starts.length) return null;
  return { start: starts[k]!, end: k + 1 < starts.length ? starts[k + 1]! : duration };
}

/** A segment's file name in its variant's folder: N.ts, or N.m4s after an fMP4 variant's init.mp4. */
export function segmentName(container: RemuxContainer, k: number): string {
  return `${k}.${container === 'fmp4' ? 'm4s' : 'ts'}`;
}

export function mediaPlaylist(starts: readonly number[], duration: number, query = '', container: RemuxContainer = 'ts'): string {
  const durations = starts.map((s, k) => (k + 1 < starts.length ? starts[k + 1]! : duration) - s);
  const longest = durations.reduce((a, b) => Math.max(a, b), 0);
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${container === 'fmp4' ? 7 : 3}`, `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil(longest - 0.001))}`, '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MEDIA-SEQUENCE:0'];
  if (container === 'fmp4') lines.push(`#EXT-X-MAP:URI="init.mp4${query}"`);
  durations.forEach((d, k) => lines.push(`#EXTINF:${d.toFixed(3)},`, `${segmentName(container, k)}${query}`));
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** One subtitle track offered beside the variants: subs/N/index.m3u8, one WebVTT file long. */
export interface SubtitleRendition {
  index: number;
  language: string | null;
}

export function masterPlaylist(variants: readonly VodVariant[], query = '', subtitles: readonly SubtitleRendition[] = []): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  subtitles.forEach((t, i) => {
    const name = t.language ?? `Subtitles ${i + 1}`;
    lines.push(`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="${name.replace(/"/g, "'")}",${t.language ? `LANGUAGE="${t.language.replace(/"/g, '')}",` : ''}DEFAULT=NO,AUTOSELECT=YES,URI="subs/${t.index}/index.m3u8${query}"`);
  });
  for (const v of variants) {
    const attributes = [
      `BANDWIDTH=${Math.round(v.bandwidth)}`,
      ...(v.kind !== 'audio' ? [`RESOLUTION=${v.width}x${v.height}`] : []),
      ...(v.codecs ? [`CODECS="${v.codecs}"`] : []),
      ...(subtitles.length > 0 ? ['SUBTITLES="subs"'] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, `${v.name}/index.m3u8${query}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A subtitle track's media playlist: the whole WebVTT file as one segment. */
export function subtitlePlaylist(duration: number, query = ''): string {
  return `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:${Math.ceil(duration)}\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:${duration.toFixed(3)},\nsubtitles.vtt${query}\n#EXT-X-ENDLIST\n`;
}
