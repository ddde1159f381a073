// Stream names and source URLs, checked as the server checks them so a form can
// say what is wrong before it is sent. The server stays the judge: its 400 message
// is shown whenever it refuses something this let through.
import type { streamNamePattern } from '../../../src-main/contract/studio-api';

/**
 * The contract's pattern. The renderer may import only types from the server, so
 * the text is repeated here, typed as the contract's literal: if the server's
 * pattern changes, this line stops compiling.
 */
export const STREAM_NAME_PATTERN: typeof streamNamePattern = '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$';
const namePattern = new RegExp(STREAM_NAME_PATTERN);

export const STREAM_NAME_MAX = 200;

/** The studio's own temporary-file endings (.partial, .tmp, .tmp-…): as server-side. */
const temporarySuffix = /\.(partial|tmp)(-[A-Za-z0-9_-]*)?$/i;
/** Windows device names, any case, with or without an extension. */
const windowsDevice = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** Why one part of a name cannot be a folder everywhere; the server's words (src-main/streams/stream-name.ts). */
function partProblem(name: string, part: string): string | null {
  const invalid = `"${name}" is not a valid stream name`;
  if (part === '.' || part === '..') return `${invalid}: "." and ".." are not allowed as parts`;
  if (temporarySuffix.test(part)) return `${invalid}: "${part}" ends like the studio's temporary files (.partial, .tmp); choose another name`;
  if (/[. ]$/.test(part)) return `${invalid}: "${part}" ends with a dot; Windows would store it without one`;
  if (windowsDevice.test(part)) return `${invalid}: "${part}" is a device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9) and cannot be a folder there`;
  return null;
}

/**
 * Why a stream name is not acceptable, or null; worded as the server words it. A name
 * differing only in case from another stream is refused by the server alone (409), as
 * only it knows the archive's names.
 */
export function streamNameProblem(name: string): string | null {
  if (name.length === 0) return 'Enter a stream name, e.g. live/cam2';
  if (name.length > STREAM_NAME_MAX) return `The stream name is longer than ${STREAM_NAME_MAX} characters`;
  if (!namePattern.test(name)) {
    return `"${name}" is not a valid stream name: use letters, digits, _ - . and / between parts (e.g. live/cam1)`;
  }
  for (const part of name.split('/')) {
    const problem = partProblem(name, part);
    if (problem) return problem;
  }
  return null;
}

/** Stream names travel in one path segment of the API: live/cam1 → live%2Fcam1. */
export function streamApiPath(name: string, suffix = ''): string {
  return `/api/streams/${encodeURIComponent(name)}${suffix}`;
}

/** The per-stream files live at /NAME/FILE, each part encoded on its own (live/cam1/preview.jpg). */
export function streamFileUrl(name: string, file: string): string {
  return `/${name.split('/').map(encodeURIComponent).join('/')}/${file}`;
}

/**
 * rtsp://user:secret@cam/stream → rtsp://user:***@cam/stream, for display. Works on
 * any text, so reasons that quote a URL (ffmpeg's messages do) are masked too.
 */
export function maskCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@:\s]*):([^/@\s]*)@/gi, '$1$2:***@');
}

const pulledSchemes = ['rtsp', 'rtsps', 'rtmp', 'rtmps', 'srt', 'udp', 'http', 'https', 'file'];

/**
 * Why a source URL cannot be pulled, or null. Mirrors what the studio accepts:
 * rtsp://, rtmp://, srt://, udp://, http(s)://…m3u8, and file://RELATIVE/PATH
 * inside the media folder.
 */
export function sourceUrlProblem(url: string): string | null {
  const text = url.trim();
  if (text.length === 0) return 'Enter a source URL';
  if (text.length > 2048) return 'The URL is longer than 2048 characters';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (!scheme || !pulledSchemes.includes(scheme)) {
    return 'Unsupported source: use rtsp://, rtmp://, srt://, udp://, http(s)://…m3u8 or file://';
  }
  if ((scheme === 'http' || scheme === 'https') && !/\.m3u8(\?|#|$)/i.test(text)) {
    return 'Only HLS playlists (.m3u8) are pulled over HTTP';
  }
  if (scheme === 'file') {
    let relative: string;
    try {
      relative = decodeURIComponent(text.slice('file://'.length));
    } catch {
      return 'The file path is not valid URL encoding';
    }
    if (relative.length === 0) return 'Name a file in the media folder, e.g. file://clips/intro.mp4';
    if (relative.startsWith('/') || /^[a-z]:/i.test(relative) || relative.startsWith('\\')) {
      return 'File sources are relative to the media folder, e.g. file://clips/intro.mp4';
    }
    if (relative.split(/[\\/]/).includes('..')) return 'The path leaves the media folder';
  }
  return null;
}
