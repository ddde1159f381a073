// Stream names and source URLs, checked as the server checks them so a form can
// say what is wrong before it is sent. The server stays the judge: its 400 message
// is shown whenever it refuses something this let through.
//
// The name rule itself is the contract's (src-main/contract/stream-name.ts, free of
// imports, so the renderer bundles the very same lines); only the wording of an empty
// name is the form's own.
import { streamNameProblem as contractNameProblem } from '../../../src-main/contract/stream-name';

/** A message to show as a sentence: the contract words its reasons in lower case. */
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Why a stream name is not acceptable, or null; worded as the server words it. A name
 * differing only in case from another stream is refused by the server alone (409), as
 * only it knows the archive's names.
 */
export function streamNameProblem(name: string): string | null {
  if (name.length === 0) return 'Enter a stream name, e.g. live/cam2';
  const problem = contractNameProblem(name);
  return problem === null ? null : sentence(problem);
}

/** Stream names travel in one path segment of the API: live/cam1 → live%2Fcam1. */
export function streamApiPath(name: string, suffix = ''): string {
  return `/api/streams/${encodeURIComponent(name)}${suffix}`;
}

/** The per-stream files live at /NAME/FILE, each part encoded on its own (live/cam1/preview.jpg). */
export function streamFileUrl(name: string, file: string): string {
  return `/${name.split('/').map(encodeURIComponent).join('/')}/${file}`;
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
