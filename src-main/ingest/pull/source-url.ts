import path from 'node:path';
import { maskCredentials } from '../../contract/mask-credentials.js';

export { maskCredentials };

export type SourceKind = 'rtsp' | 'rtmp' | 'srt' | 'hls' | 'udp' | 'file';

export interface ResolvedSource {
  kind: SourceKind;
  /** What ffmpeg opens: the URL, or the absolute file path. */
  input: string;
  /** The URL as shown to users: credentials masked. */
  display: string;
}

export class SourceUrlError extends Error {}

/** A library file's absolute path by its folder and relative path, or null when the library has no such file. */
export type LibraryFileLookup = (folder: string, relative: string) => string | null;

/**
 * Checks a configured source URL and turns it into what ffmpeg opens. file://
 * paths are relative to the media folder and may not leave it; library://FOLDER/PATH
 * names a file of any library folder ("Play as live"), found only if the library lists it.
 */
export function resolveSourceUrl(url: string, mediaDir: string, libraryFile?: LibraryFileLookup): ResolvedSource {
  if (url.includes('\0')) throw new SourceUrlError('the source URL contains a NUL byte');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'rtsp':
    case 'rtsps':
      return { kind: 'rtsp', input: url, display: maskCredentials(url) };
    case 'rtmp':
    case 'rtmps':
      return { kind: 'rtmp', input: url, display: maskCredentials(url) };
    case 'srt':
      return { kind: 'srt', input: url, display: maskCredentials(url) };
    case 'udp':
      return { kind: 'udp', input: url, display: url };
    case 'http':
    case 'https':
      if (!/\.m3u8(\?|$)/i.test(url)) throw new SourceUrlError(`${maskCredentials(url)}: only HLS playlists (.m3u8) are pulled over HTTP; MPEG-TS can be pushed to /live/NAME/mpegts instead`);
      return { kind: 'hls', input: url, display: maskCredentials(url) };
    case 'file': {
      const relative = decodeURIComponent(url.slice('file://'.length));
      if (relative.startsWith('/') || /^[a-z]:/i.test(relative)) throw new SourceUrlError(`${url}: file sources are relative to the media folder (file://clips/intro.mp4)`);
      const root = path.resolve(mediaDir);
      const file = path.resolve(root, relative);
      const inside = path.relative(root, file);
      if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) throw new SourceUrlError(`${url}: the path leaves the media folder`);
      return { kind: 'file', input: file, display: url };
    }
    case 'library': {
      const [folder, ...parts] = url.slice('library://'.length).split('/').map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          return '';
        }
      });
      const file = folder && parts.length > 0 ? (libraryFile?.(folder, parts.join('/')) ?? null) : null;
      if (!file) throw new SourceUrlError(`${url}: no such file in the library (library://FOLDER/PATH, as the Library lists it)`);
      return { kind: 'file', input: file, display: url };
    }
    default:
      throw new SourceUrlError(`${maskCredentials(url)}: unsupported source; use rtsp://, rtmp://, srt://, udp://, http(s)://…m3u8, file:// or library://`);
  }
}

/** ffmpeg input options for each kind: what makes a pull reliable. */
export function ffmpegInputArgs(source: ResolvedSource, loop: boolean): string[] {
  switch (source.kind) {
    case 'rtsp':
      // TCP first (no losses on busy Wi-Fi), UDP when the camera only does UDP.
      return ['-rtsp_flags', 'prefer_tcp', '-i', source.input];
    case 'udp': {
      // timeout (µs): a silent multicast ends the attempt instead of waiting forever.
      const options = 'overrun_nonfatal=1&timeout=15000000';
      return ['-i', source.input.includes('?') ? `${source.input}&${options}` : `${source.input}?${options}`];
    }
    case 'file':
      return ['-re', ...(loop ? ['-stream_loop', '-1'] : []), '-i', source.input];
    default:
      return ['-i', source.input];
  }
}
