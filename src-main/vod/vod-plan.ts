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

export type VodVariant =
  | { name: 'source'; kind: 'remux'; width: number; height: number; bandwidth: number; codecs: string | null; audio: number | null }
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

/**
 * Whether the original plays in browsers as it is once remuxed to MPEG-TS: 8-bit H.264,
 * upright (TS has no rotation), with AAC or MP3 (or no) audio. HEVC, AV1, VP9 and 10-bit
 * pictures are offered transcoded only.
 */
export function remuxable(media: ProbedMedia): boolean {
  const v = media.video;
  const a = mainAudio(media);
  return v !== null && v.codec === 'h264' && v.bitDepth === 8 && v.rotation === 0 && (a === null || a.codec === 'aac' || a.codec === 'mp3');
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
    const codecs = video && (audio === null || audio.codec === 'aac') ? [video, ...(audio ? ['mp4a.40.2'] : [])].join(',') : null;
    // Peak of a file's own encoding is not known without reading it all: twice its average is a safe ceiling for ABR.
    variants.push({ name: 'source', kind: 'remux', ...display, bandwidth: (media.bitrate ?? 8_000_000) * 2, codecs, audio: audioIndex });
  }
  const rungs = vodLadder.filter((r) => (remux ? r.short < short : r.short <= short));
  if (!remux && !rungs.some((r) => r.short === short) && short < 1080) {
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

export function mediaPlaylist(starts: readonly number[], duration: number, query = ''): string {
  const durations = starts.map((s, k) => (k + 1 < starts.length ? starts[k + 1]! : duration) - s);
  const longest = durations.reduce((a, b) => Math.max(a, b), 0);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil(longest - 0.001))}`, '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MEDIA-SEQUENCE:0'];
  durations.forEach((d, k) => lines.push(`#EXTINF:${d.toFixed(3)},`, `${k}.ts${query}`));
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
